# Method calls on objects: accounts made of closures in a dict, and built-in methods.
def account(owner):
    balance = 0
    history = []
    def deposit(amount):
        nonlocal balance
        balance += amount
        history.append(amount)
    def withdraw(amount):
        nonlocal balance
        if amount > balance: return False
        balance -= amount
        history.append(-amount)
        return True
    return {"owner": owner, "deposit": deposit, "withdraw": withdraw,
            "balance": lambda: balance, "history": history}
accounts = []
for i in range(20): accounts.append(account(f"user{i}"))
refused = 0
for step in range(30000):
    a = accounts[step % 20]
    a["deposit"](step % 7 + 1)
    if not a["withdraw"]((step * 3) % 11): refused += 1
richest = accounts[0]
for a in accounts:
    if a["balance"]() > richest["balance"](): richest = a
print(refused, richest["owner"].upper(), richest["balance"](), len(richest["history"]))
