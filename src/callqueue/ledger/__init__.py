"""The arrears ledger: reading billing exports, importing them, and settling payments."""
