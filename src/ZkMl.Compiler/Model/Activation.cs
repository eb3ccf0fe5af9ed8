namespace ZkMl.Compiler.Model;

/// <summary>The element-wise activation that follows a dense layer.</summary>
public enum Activation
{
    /// <summary>Identity (no activation).</summary>
    None = 0,
    /// <summary>max(x, 0).</summary>
    Relu = 1,
    /// <summary>1 / (1 + e^(−x)).</summary>
    Sigmoid = 2,
    /// <summary>tanh(x).</summary>
    Tanh = 3,
    /// <summary>
    /// A Softmax after the output layer (circuits only): not applied and not proven — the public outputs
    /// are the logits before it, whose argmax is the Softmax's argmax.
    /// </summary>
    Softmax = 4,
}

/// <summary>Names of activations as written in the JSON model format and in messages.</summary>
public static class ActivationNames
{
    /// <summary>The lower-case name used in the JSON format: none, relu, sigmoid, tanh.</summary>
    public static string ToName(this Activation a) => a switch
    {
        Activation.None => "none",
        Activation.Relu => "relu",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Softmax => "softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "unknown activation"),
    };

    /// <summary>True for an activation proven by a lookup table (relu, sigmoid, tanh); false for none and the unproven final softmax.</summary>
    public static bool IsTabled(this Activation a) => a is Activation.Relu or Activation.Sigmoid or Activation.Tanh;

    /// <summary>Parses a JSON activation name (case-insensitive; "identity"/"linear" mean none); false when unknown.</summary>
    public static bool TryParse(string? s, out Activation a)
    {
        switch (s?.Trim().ToLowerInvariant())
        {
            case "none": case "identity": case "linear": case "": a = Activation.None; return true;
            case "relu": a = Activation.Relu; return true;
            case "sigmoid": a = Activation.Sigmoid; return true;
            case "tanh": a = Activation.Tanh; return true;
            default: a = Activation.None; return false;
        }
    }
}
