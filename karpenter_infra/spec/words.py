"""The regular expressions of the models, said in words: a user reads what a value must look like, not a regex.

A test walks every model's JSON schema and fails for a pattern missing here.
"""

from __future__ import annotations

PATTERN_WORDS: dict[str, str] = {
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": "lower-case letters, digits and '-', starting and ending with a letter or "
    "digit",
    r"^[a-z0-9][a-z0-9.-]*$": "lower-case letters, digits, '.' and '-', starting with a letter or digit",
    r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$": "empty, or letters, digits, '-', '_' and '.', starting and "
    "ending with a letter or digit",
    r"^[0-9A-Za-z][A-Za-z0-9_-]*$": "letters, digits, '_' and '-', starting with a letter or digit",
    r"^[A-Za-z_][\w.]*$": "a Python module path such as stacks.nodegroups.dev",
    r"^[A-Za-z0-9_-]{1,40}$": "1 to 40 letters, digits, '_' and '-'",
    r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$": "a duration in whole hours and minutes, such as 8h, 30m or 1h30m",
    r"^(([0-9]+(s|m|h))+|Never)$": "a duration such as 30s, 10m or 720h, or Never",
    r"^([0-9]+(s|m|h))+$": "a duration such as 30s, 10m or 1h30m",
    r"^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$": "a duration such as 15s, 5m or 1h (units ms, s, m, h, d, w, y)",
    r"^(enabled|disabled)$": "enabled or disabled",
    r"^(required|optional)$": "required or optional",
    r"^RAID0$": "RAID0",
    r"^(latest|v[0-9]{8}|v?[0-9]+\.[0-9]+\.[0-9]+)$": "latest, a release date such as v20251016, or a version such "
    "as 1.2.3",
    r"^/([\x21-\x7e]*/)?$": "an IAM path: '/' or a path that starts and ends with '/', such as /platform/",
    r"^1\.[0-9]{2}$": "a Kubernetes minor version such as 1.33",
    r"^[0-9]+(Mi|Gi)$": "a whole number of Mi or Gi, such as 512Mi or 6Gi",
    r"^[0-9]+(\.[0-9]+|m)?$": "a number of CPUs such as 2 or 1.5, or millicores such as 1500m",
    r"^[0-9]{12}$": "a 12-digit AWS account id",
    r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$": "an IAM role ARN such as arn:aws:iam::111122223333:role/name",
    r"^cr-[0-9a-z]+$": "a capacity reservation id such as cr-0123456789abcdef0",
    r"^https://": "an https:// URL",
    r"^pg-[0-9a-z]+$": "a placement group id such as pg-0123456789abcdef0",
    r"^sg-[0-9a-z]+$": "a security group id such as sg-0123456789abcdef0",
    r"^vpc-[0-9a-z]+$": "a VPC id such as vpc-0123456789abcdef0",
}


def pattern_words(pattern: str) -> str:
    return PATTERN_WORDS.get(pattern, f"of the form the field's description gives (pattern {pattern})")
