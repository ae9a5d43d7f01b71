"""Base-year data pipeline for cge: from the WIOD 2011 source table to the data sets in data/.

Run ``python -m calibration.build`` from the repository root to rebuild ``data/wiod2011`` and
``data/usjpn2024``; ``python -m calibration.build --check`` verifies that the committed files
are reproduced byte for byte. All money values are in USD million at current prices.
"""
