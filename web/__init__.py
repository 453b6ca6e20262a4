"""What people use in a browser: the public pages (and, later, sign-in and role workspaces).
Reads through selectors, writes through services; no rule of the registry lives here."""
