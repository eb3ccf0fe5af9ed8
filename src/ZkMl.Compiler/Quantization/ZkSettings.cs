namespace ZkMl.Compiler.Quantization;

/// <summary>Who sees the inputs of a zero-knowledge circuit (docs/zk-design.md §2).</summary>
public enum InputVisibility
{
    /// <summary>The inputs are words of the public statement (as in the default mode).</summary>
    Public = 0,

    /// <summary>The statement holds a hiding commitment to each batch's inputs instead of the inputs.</summary>
    Private = 1,
}

/// <summary>
/// The zero-knowledge choices of a circuit (docs/zk-design.md §2, §6; docs/circuit-format.md version 3). They are part of
/// the circuit and of its digests: setup, prove, verify and the EVM verifier follow them. <see cref="None"/> is today's
/// default, non-ZK public statement.
/// </summary>
/// <param name="Zk">The proof reveals nothing about the weights, the activations or private inputs beyond the statement.</param>
/// <param name="Inputs">Public inputs, or a hiding commitment to them (only with <paramref name="Zk"/>).</param>
/// <param name="InputRangeCheck">Private inputs are range-checked by a lookup into an input segment of the table (only
/// with <see cref="InputVisibility.Private"/>; on by default there).</param>
public readonly record struct ZkSettings(bool Zk, InputVisibility Inputs, bool InputRangeCheck)
{
    /// <summary>The default mode: not zero-knowledge, public inputs.</summary>
    public static ZkSettings None => default;

    /// <summary>Zero knowledge with public inputs.</summary>
    public static ZkSettings PublicInputs => new(true, InputVisibility.Public, false);

    /// <summary>Zero knowledge with private inputs, range-checked unless <paramref name="rangeCheck"/> is false.</summary>
    public static ZkSettings PrivateInputs(bool rangeCheck = true) => new(true, InputVisibility.Private, rangeCheck);

    /// <summary>The smallest padded layer or input width: 4 in ZK mode (the mask-selector rule needs ≥ 2 column bits, docs/zk-design.md §5.2), else 1.</summary>
    public int MinPaddedWidth => Zk ? 4 : 1;

    /// <summary>Null when the combination is valid, else what is wrong (ZK off with private inputs or a range check; a range check on public inputs).</summary>
    public string? Problem() =>
        !Enum.IsDefined(Inputs) ? $"input visibility {(int)Inputs} (expected 0 = public or 1 = private)"
        : !Zk && Inputs != InputVisibility.Public ? "private inputs need the zero-knowledge mode"
        : !Zk && InputRangeCheck ? "an input range check needs the zero-knowledge mode"
        : Inputs == InputVisibility.Public && InputRangeCheck ? "an input range check applies to private inputs only (public inputs are checked by the verifier)"
        : null;

    /// <summary>"public" or "private".</summary>
    public static string Name(InputVisibility v) => v == InputVisibility.Private ? "private" : "public";

    /// <summary>A short description for messages and logs.</summary>
    public override string ToString() => !Zk ? "default (not zero-knowledge)"
        : $"zero-knowledge, {Name(Inputs)} inputs{(Inputs == InputVisibility.Private ? InputRangeCheck ? ", input range check on" : ", input range check off" : "")}";
}
