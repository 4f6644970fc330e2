"""tokens: forged, expired, stripped and revoked tokens are rejected; role changes take effect."""
