# String building and splitting: interpolation, concatenation, split, join, upper.
def make_line(i): return f"row {i},value {i * 3},tag{i % 4}"
lines = []
for i in range(8000): lines.append(make_line(i))
text = "\n".join(lines)
total = 0
tags = 0
for line in text.split("\n"):
    fields = line.split(",")
    total += len(fields[0]) + len(fields[1])
    if fields[2] == "tag3": tags += 1
s = ""
for i in range(3000): s = s + "ab"
print(total, tags, len(s), lines[17].upper())
