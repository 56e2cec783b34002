# A recursive tree of dicts: build it, walk it depth first recursively and with an explicit stack.
def build(depth, label):
    if depth == 0:
        return {"label": label, "children": []}
    children = []
    for k in range(3):
        children.append(build(depth - 1, label * 3 + k))
    return {"label": label, "children": children}
def total(node):
    s = node["label"]
    for child in node["children"]:
        s += total(child)
    return s
def deepest(node, depth):
    best = depth
    for child in node["children"]:
        d = deepest(child, depth + 1)
        if d > best:
            best = d
    return best
def count_leaves(root):
    stack = [root]
    leaves = 0
    while len(stack) > 0:
        node = stack.pop()
        if len(node["children"]) == 0:
            leaves += 1
        else:
            for child in node["children"]:
                stack.append(child)
    return leaves
tree = build(8, 1)
print(total(tree), deepest(tree, 0), count_leaves(tree))
