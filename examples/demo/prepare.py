"""Step 1 of the demo pipeline: clean the raw measurements."""
import csv

with open("data/raw.csv", newline="") as src:
    rows = [r for r in csv.DictReader(src) if r["value"].strip()]

with open("data/clean.csv", "w", newline="") as dst:
    writer = csv.DictWriter(dst, fieldnames=["x", "value"])
    writer.writeheader()
    writer.writerows(rows)
print(f"kept {len(rows)} rows")
