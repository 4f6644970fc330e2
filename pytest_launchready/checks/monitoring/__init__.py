"""The monitoring check: the health route answers 200 without credentials, fast, and discloses nothing."""
