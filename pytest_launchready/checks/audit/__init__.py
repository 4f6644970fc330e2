"""The audit check: key actions leave an audit entry with user, org, time and client IP."""
