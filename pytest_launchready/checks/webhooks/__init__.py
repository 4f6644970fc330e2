"""The webhooks check: a receiver accepts a valid signed delivery and rejects unsigned, badly signed,
altered, stale, future-dated and replayed ones."""
