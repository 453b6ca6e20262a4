"""Projects and their monitoring reports (reduction claims), through the CCER lifecycle."""
