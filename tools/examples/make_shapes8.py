"""Writes examples/shapes-8/: eight 64x64 captioned PNGs (flat shapes on a light background) in the
Hugging Face imagefolder layout, the small folder the README's training commands run on.
Deterministic; regenerate with: /work/venv/bin/python tools/examples/make_shapes8.py"""
import json
import os

from PIL import Image, ImageDraw

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "shapes-8")
COLOURS = {"red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 80, 220), "yellow": (235, 200, 30)}
SCENES = [
    ("circle", "red", "large"), ("square", "blue", "large"), ("triangle", "green", "large"), ("circle", "yellow", "small"),
    ("square", "red", "small"), ("triangle", "blue", "small"), ("circle", "green", "large"), ("square", "yellow", "large"),
]


def draw(shape, colour, size):
    img = Image.new("RGB", (64, 64), (240, 240, 236))
    d = ImageDraw.Draw(img)
    r = 22 if size == "large" else 11
    box = (32 - r, 32 - r, 32 + r, 32 + r)
    if shape == "circle":
        d.ellipse(box, fill=COLOURS[colour])
    elif shape == "square":
        d.rectangle(box, fill=COLOURS[colour])
    else:
        d.polygon([(32, 32 - r), (32 - r, 32 + r), (32 + r, 32 + r)], fill=COLOURS[colour])
    return img


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "metadata.jsonl"), "w") as meta:
        for i, (shape, colour, size) in enumerate(SCENES):
            name = f"{i:02d}-{size}-{colour}-{shape}.png"
            draw(shape, colour, size).save(os.path.join(OUT, name))
            meta.write(json.dumps({"file_name": name, "text": f"a {size} {colour} {shape}"}) + "\n")


if __name__ == "__main__":
    main()
