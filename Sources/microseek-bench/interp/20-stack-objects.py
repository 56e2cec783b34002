# Class-like objects as dicts of closures: a stack and a vector with methods that share state.
def make_stack():
    items = []
    push = lambda x: items.append(x)
    pop = lambda: items.pop()
    size = lambda: len(items)
    return {"push": push, "pop": pop, "size": size}
def make_vector(x, y):
    self = {"x": x, "y": y}
    self["add"] = lambda other: make_vector(self["x"] + other["x"], self["y"] + other["y"])
    self["dot"] = lambda other: self["x"] * other["x"] + self["y"] * other["y"]
    return self
s = make_stack()
checksum = 0
for i in range(20000):
    s["push"](i)
    if i % 3 == 0:
        checksum += s["pop"]()
v = make_vector(0, 0)
dots = 0
for i in range(5000):
    w = make_vector(i % 7, i % 5)
    v = v["add"](w)
    dots += v["dot"](w) % 97
print(s["size"](), checksum, v["x"], v["y"], dots)
