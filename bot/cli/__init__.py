"""`switchboard`, the command line: `main` routes; one module per family of commands."""
