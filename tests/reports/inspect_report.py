#!/usr/bin/python3
"""Checks a rendered report as a person would see it: every image embedded in report.html
decodes as a PNG of a sensible size, and Chromium's screenshot of the page is not blank.
usage: inspect_report.py REPORT.html SCREENSHOT.png MIN_IMAGES; prints what it found, exit 1 on
a failed check."""

import base64
import io
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402


def main():
    html_path, shot_path, min_images = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(html_path) as f:
        html = f.read()
    failures = []
    if re.search(r"""(src|href)=["']https?://""", html):
        failures.append("the page loads something from the network")
    uris = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    for i, data in enumerate(uris):
        try:
            img = mpimg.imread(io.BytesIO(base64.b64decode(data, validate=True)), format="png")
        except Exception as e:  # noqa: BLE001 - any decoding error is a failed check
            failures.append(f"image {i} does not decode: {e}")
            continue
        if img.shape[0] < 100 or img.shape[1] < 100:
            failures.append(f"image {i} is only {img.shape[1]}x{img.shape[0]} pixels")
    if len(uris) < min_images:
        failures.append(f"{len(uris)} embedded images, expected at least {min_images}")
    shot = mpimg.imread(shot_path)[:, :, :3]
    inked = float(np.mean(shot.min(axis=2) < 0.9))  # pixels that are not (near) white
    if inked < 0.02 or float(shot.std()) < 0.02:
        failures.append(f"the screenshot looks blank ({100 * inked:.2f} % of pixels inked)")
    print(f"{len(uris)} embedded images; screenshot {shot.shape[1]}x{shot.shape[0]}, {100 * inked:.1f} % inked")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
