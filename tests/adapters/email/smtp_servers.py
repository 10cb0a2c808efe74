"""Real SMTP servers for the tests: aiosmtpd (plain, STARTTLS, implicit TLS, with AUTH or refusing),
a listener that never greets, and a throwaway certificate authority made with `cryptography`."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.servers import free_port

USERNAME, PASSWORD = "mailer", "smtp-password-for-tests"


@dataclass
class Inbox:
    """What the server accepted, parsed as a mail client would."""

    envelopes: list[tuple[str, list[str], MimeMessage]] = field(default_factory=list)
    refuse_rcpt: str = ""  # e.g. "550 5.1.1 no such user"
    refuse_data: str = ""  # e.g. "421 4.3.0 try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_data:
            return self.refuse_data
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # unhandled: aiosmtpd answers 535 itself


class SmtpServer:
    """aiosmtpd on a free port. `tls`: "none", "starttls" (required before AUTH and mail) or "tls" (implicit)."""

    def __init__(self, inbox: Inbox, tls: str = "none", certificate: TestCertificate | None = None,
                 auth: bool = False) -> None:
        self.port = free_port()
        kwargs: dict[str, object] = {}
        if auth:
            # PLAIN only: smtplib would follow a refused PLAIN with a LOGIN that aiosmtpd answers slowly.
            kwargs.update(authenticator=_authenticate, auth_required=True, auth_require_tls=tls != "none",
                          auth_exclude_mechanism=["LOGIN"])
        if tls == "starttls":
            assert certificate is not None
            kwargs.update(tls_context=certificate.server_context(), require_starttls=True)
        self._controller = Controller(
            inbox, hostname="127.0.0.1", port=self.port,
            ssl_context=certificate.server_context() if tls == "tls" and certificate else None,
            server_hostname="localhost", **kwargs)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


class SilentServer:
    """Accepts connections and never says a word: an SMTP server that hangs."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the thread; close() alone would not
        self._socket.close()
        self._thread.join()
        for connection in self._held:
            connection.close()


class TestCertificate:
    """A CA and a certificate for localhost / 127.0.0.1 it signed, written to `folder`."""

    __test__ = False  # not a pytest test class

    def __init__(self, folder: Path) -> None:
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "otp-auth test CA")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
              .not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                           content_commitment=False, key_encipherment=False, data_encipherment=False,
                                           key_agreement=False, encipher_only=False, decipher_only=False),
                             critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
                .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        self.ca_file = folder / "ca.pem"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self._cert_file = folder / "server.pem"
        self._cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        self._key_file = folder / "server.key"
        self._key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self._cert_file, self._key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))
