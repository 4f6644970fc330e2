"""The prompt check: prompt-injection attacks that try to make the bot print its system prompt, and
cross-tenant questions that try to surface another tenant's knowledge."""
