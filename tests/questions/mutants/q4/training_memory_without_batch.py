"""Training memory counts the activations and input of one instance, not of the whole batch."""

MODULE = "accounting"
LOSES = ["q4.4"]

_correct_memory_report = memory_report


def memory_report(input_shape, rows, batch_size=50, bytes_per_value=4, optimizer_states=0):
    return _correct_memory_report(input_shape, rows, 1, bytes_per_value, optimizer_states)
