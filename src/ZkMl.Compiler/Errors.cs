namespace ZkMl.Compiler;

/// <summary>
/// A model, data or circuit file that cannot be read: the message names the file and the field, node
/// or byte offset and says what was expected. Never a compiler bug.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a message that names the file and the field.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A valid float network that cannot be compiled to a sound integer circuit (unsupported structure,
/// or a bound that cannot be proven). The message names the layer and what to change (e.g. which bits to lower).
/// </summary>
public sealed class CompileException : Exception
{
    /// <summary>Creates the exception with a message naming the layer and the remedy.</summary>
    public CompileException(string message) : base(message) { }
}
