# Recursion written with if/else as the body's value (not the `if … return` guard shape).
def fib(n):
    if n < 2:
        return n
    else:
        return fib(n - 1) + fib(n - 2)
print(fib(25))
