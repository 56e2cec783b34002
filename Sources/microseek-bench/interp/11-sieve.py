# A sieve of Eratosthenes over a list of booleans, with index assignment.
def primes_below(n):
    is_prime = [True] * n
    is_prime[0] = False
    is_prime[1] = False
    i = 2
    while i * i < n:
        if is_prime[i]:
            j = i * i
            while j < n:
                is_prime[j] = False
                j += i
        i += 1
    found = []
    for k in range(n):
        if is_prime[k]: found.append(k)
    return found
ps = primes_below(200000)
print(len(ps), ps[len(ps) - 1])
