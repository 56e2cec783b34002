# Calls with three and four arguments, keyword arguments, and a loop-carried accumulator.
def clamp(x, lo, hi):
    if x < lo: return lo
    if x > hi: return hi
    return x
def lerp(a, b, t, scale): return (a + (b - a) * t) * scale
def step(x, rate): return x * rate
acc = 0
for i in range(30000):
    acc += clamp(i % 100, 10, 90) + lerp(i, i + 10, 0.5, 2)
    acc += step(4, rate=0.25)
print(int(acc) if acc == int(acc) else acc)  # Seek prints whole numbers without ".0"
