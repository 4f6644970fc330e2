"""tenant_isolation: tenant B can neither read nor change nor delete tenant A's objects."""
