"""Decision logs as OPA writes them, kept lossless and tamper-evident.

Events are masked (system.log.mask / drop), chained by hash, appended as JSON lines to
size-rotated segment files under one directory, and optionally uploaded from there to a
collector. ``DecisionLog`` is what the server uses; ``verify_directory`` checks a
directory (``privacy-pdp logs verify``).
"""

from privacy_pdp.server.decision_log.chain import GENESIS, ChainError, canonical, seal, unseal
from privacy_pdp.server.decision_log.config import LogConfig
from privacy_pdp.server.decision_log.log import DecisionLog, DecisionLogUnavailable
from privacy_pdp.server.decision_log.mask import MaskRuleError, apply_rules, parse_rules, policy_mask
from privacy_pdp.server.decision_log.verify import VerifyReport, verify_directory

__all__ = [
    "GENESIS",
    "ChainError",
    "DecisionLog",
    "DecisionLogUnavailable",
    "LogConfig",
    "MaskRuleError",
    "VerifyReport",
    "apply_rules",
    "canonical",
    "parse_rules",
    "policy_mask",
    "seal",
    "unseal",
    "verify_directory",
]
