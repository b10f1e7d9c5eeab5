"""Inference memory keeps only the largest single activation, not a layer's input and output together."""

MODULE = "accounting"
LOSES = ["q4.4"]

_correct_memory_report = memory_report


def memory_report(input_shape, rows, batch_size=50, bytes_per_value=4, optimizer_states=0):
    report = _correct_memory_report(input_shape, rows, batch_size, bytes_per_value, optimizer_states)
    largest = max(math.prod(row["output_shape"]) for row in rows)
    report["inference_bytes"] = bytes_per_value * (report["parameters"] + largest)
    return report
