"""headers: security headers, the http-to-https redirect, and the TLS certificate."""
