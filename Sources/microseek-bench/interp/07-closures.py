# Closures: adders, a counter that updates a captured variable, composition.
def make_adder(k): return lambda x: x + k
def make_counter():
    count = 0
    def tick():
        nonlocal count
        count += 1
        return count
    return tick
def compose(f, g): return lambda x: f(g(x))
add3 = make_adder(3)
double = lambda x: x * 2
both = compose(add3, double)
tick = make_counter()
total = 0
for i in range(40000):
    total += both(i) + add3(i)
    tick()
print(total, tick())
