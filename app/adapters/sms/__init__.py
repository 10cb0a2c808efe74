"""SMS senders: one file a backend, picked by `factory.build_sms_sender`."""
