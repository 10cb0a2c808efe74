"""Second-factor settings: remembered devices, and when recovery codes count as running low."""

from __future__ import annotations

from dataclasses import dataclass

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import integer

# The codes POST /api/v1/factors/recovery-codes makes (app/services/recovery_code_factor.py says the same).
RECOVERY_CODES_PER_SET = 10


@dataclass(frozen=True)
class FactorSettings(CoreSettings):
    # How long a device remembered at validate-otp ("remember_device": true) skips the second factor.
    REMEMBER_DEVICE_DAYS: int = setting(30, integer(minimum=1, maximum=400))
    # A user with this many unused recovery codes left, or fewer, is told by email to make a new set.
    RECOVERY_CODES_LOW_AT: int = setting(3, integer(minimum=0))

    def validate(self) -> None:
        super().validate()
        if self.RECOVERY_CODES_LOW_AT >= RECOVERY_CODES_PER_SET:
            raise ConfigError(f"RECOVERY_CODES_LOW_AT must be below the {RECOVERY_CODES_PER_SET} codes of a set, "
                              f"got {self.RECOVERY_CODES_LOW_AT}")
