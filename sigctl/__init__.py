"""sigctl: an offline emulator of Azure Compute Gallery driven with az sig command lines."""

__version__ = "0.1.0"

# The az release whose `az sig` / `az group` behaviour sigctl reproduces.
AZ_CLI_VERSION = "2.91.0"
