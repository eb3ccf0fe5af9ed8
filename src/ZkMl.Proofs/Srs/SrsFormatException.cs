namespace ZkMl.Proofs;

/// <summary>
/// A structured reference string file (snarkjs <c>.ptau</c> or the ZkMl SRS cache) is unusable:
/// missing, truncated, corrupt, for the wrong curve, too small, or its points fail validation.
/// </summary>
public sealed class SrsFormatException : Exception
{
    /// <summary>The file that was being read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <summary>Creates the exception; the message is "<paramref name="filePath"/>: <paramref name="problem"/>".</summary>
    public SrsFormatException(string filePath, string problem)
        : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
        Problem = problem;
    }
}
