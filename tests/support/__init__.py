"""Test and development support that is not shipped in the valuedesk package (clipgen: small real clips)."""
