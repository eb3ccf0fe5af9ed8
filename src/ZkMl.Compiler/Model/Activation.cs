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
    /// <summary>x ≥ 0 ? x : α·x (ONNX LeakyRelu, α default 0.01; a PRelu with one slope).</summary>
    LeakyRelu = 5,
    /// <summary>max(0, min(1, α·x + β)) (ONNX HardSigmoid, α 0.2, β 0.5).</summary>
    HardSigmoid = 6,
    /// <summary>x &gt; 0 ? x : α·(eˣ − 1) (ONNX Elu, α 1).</summary>
    Elu = 7,
    /// <summary>x·Φ(x) = ½x(1 + erf(x/√2)); with β = 1 the tanh approximation (ONNX Gelu approximate = "tanh").</summary>
    Gelu = 8,
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
        Activation.LeakyRelu => "leaky_relu",
        Activation.HardSigmoid => "hard_sigmoid",
        Activation.Elu => "elu",
        Activation.Gelu => "gelu",
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "unknown activation"),
    };

    /// <summary>True for an activation proven by a lookup table (relu, sigmoid, tanh); false for none and the unproven final softmax.</summary>
    public static bool IsTabled(this Activation a) => a is Activation.Relu or Activation.Sigmoid or Activation.Tanh
        or Activation.LeakyRelu or Activation.HardSigmoid or Activation.Elu or Activation.Gelu;

    /// <summary>True for the activations with parameters (α, β), which the JSON model format and the ONNX exporter do not carry.</summary>
    public static bool HasParameters(this Activation a) => a is Activation.LeakyRelu or Activation.HardSigmoid or Activation.Elu or Activation.Gelu;

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
