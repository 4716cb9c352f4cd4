"""Documentation generated from the code: the reference pages under ``docs/reference/`` (``make reference``)."""
