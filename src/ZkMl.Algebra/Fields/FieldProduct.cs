namespace ZkMl.Algebra;

/// <summary>Which Montgomery product <see cref="Fr"/> and <see cref="Fq"/> use in this process (for reports and benchmarks).</summary>
public static class FieldProduct
{
    /// <summary>True where <c>Fr.Mul</c> and <c>Fq.Mul</c> run the machine code (Linux x64 with BMI2 and ADX, unless <c>ZKML_NATIVE_FIELD=0</c>).</summary>
    public static bool IsMachineCode => MontgomeryX64.Unavailable == null;

    /// <summary>
    /// True when the CPU and <c>ZKML_NATIVE_FIELD</c> allowed the machine code but the system gave no executable page (mmap or
    /// mprotect refused, as under a policy against writable-then-executable memory): the C# product runs instead.
    /// </summary>
    public static bool RefusedBySystem => MontgomeryX64.RefusedBySystem;

    /// <summary>"machine code (mulx, adcx/adox)", or "C#" with the reason the machine code is not in use.</summary>
    public static string Description => MontgomeryX64.Unavailable is { } why ? $"C# ({why})" : "machine code (mulx, adcx/adox)";
}
