"""CSV files with the interchange column names."""

from scrapers.csv.source import CsvAdapter

__all__ = ["CsvAdapter"]
