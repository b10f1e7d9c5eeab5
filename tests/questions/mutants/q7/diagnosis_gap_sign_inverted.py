"""diagnose measures the gap as validation minus training accuracy: overfitting by the gap is never seen."""

MODULE = "curves"
LOSES = ["q7.8"]
ONLY = ["q7.7", "q7.8"]


def diagnose(history, min_train_acc=0.9, max_gap=0.05, max_val_rise=0.1):
    train_loss, val_loss = history["train_loss"], history["val_loss"]
    if history["train_acc"][-1] < min_train_acc:
        return "underfitting"
    gap = history["val_acc"][-1] - history["train_acc"][-1]
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    risen = val_loss[-1] - val_loss[best] > max_val_rise * val_loss[best]
    if gap > max_gap or (risen and train_loss[-1] < train_loss[best]):
        return "overfitting"
    return "good fit"
