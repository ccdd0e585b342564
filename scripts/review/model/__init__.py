"""The content model and its checks: reading content/, the schema, the markup grammar, validation."""
