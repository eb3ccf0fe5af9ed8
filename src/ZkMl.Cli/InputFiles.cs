using System.Runtime.InteropServices;
using System.Text;

namespace ZkMl.Cli;

/// <summary>What a file argument of a verb should hold: its description, its size limit and its magic bytes.</summary>
internal enum FileKind
{
    /// <summary>A float model, .onnx or ZkMl's .json.</summary>
    Model,

    /// <summary>Inputs in EZKL's input.json format (also the calibration data of compile).</summary>
    Input,

    /// <summary>A circuit file (.zkc) from zkml compile.</summary>
    Circuit,

    /// <summary>pk.bin from zkml setup.</summary>
    ProvingKey,

    /// <summary>vk.bin from zkml setup.</summary>
    VerifyingKey,

    /// <summary>A proof file from zkml prove.</summary>
    Proof,

    /// <summary>A snarkjs powers-of-tau file; read as a stream, so no size limit.</summary>
    Ptau,

    /// <summary>A Solidity verifier from zkml create-evm-verifier.</summary>
    Solidity,

    /// <summary>An MNIST idx file.</summary>
    MnistIdx,

    /// <summary>model.secret from zkml setup of a zero-knowledge circuit.</summary>
    ModelSecret,

    /// <summary>input.commit from zkml commit-input.</summary>
    InputCommitment,

    /// <summary>input.opening from zkml commit-input.</summary>
    InputOpening,
}

/// <summary>
/// The checks every file argument gets before a byte of it is read: it exists, it is a regular file
/// (not a folder, device such as /dev/zero, FIFO or socket), it is at most the documented size for its
/// kind, and it is not a ZkMl file of another kind (a proving key given as --vk says so).
/// </summary>
internal static class InputFiles
{
    private const long MiB = 1L << 20, GiB = 1L << 30;

    /// <summary>The size limit of each kind (README "The zkml command", file limits); <see cref="long.MaxValue"/>: none.</summary>
    public static long Limit(FileKind kind) => kind switch
    {
        FileKind.Model => 1 * GiB,
        FileKind.Input => 256 * MiB,
        FileKind.Circuit => 256 * MiB,
        // ProvingKey.Load reads the whole key into one array: .NET arrays end just below 2 GiB.
        FileKind.ProvingKey => 2 * GiB - 64 * MiB,
        FileKind.VerifyingKey => 1 * MiB,
        FileKind.Proof => 64 * MiB,
        FileKind.Solidity => 16 * MiB,
        FileKind.MnistIdx => 64 * MiB,
        FileKind.ModelSecret => 1 * MiB,
        FileKind.InputCommitment => 1 * MiB,
        // (B ≤ 2^16 rows of 8-byte values: 1 GiB covers every inputSize up to 2048)
        FileKind.InputOpening => 1 * GiB,
        _ => long.MaxValue,
    };

    /// <summary>A limit for humans: "1 MiB", "256 MiB", "1 GiB".</summary>
    public static string LimitText(long limit) =>
        limit % GiB == 0 ? $"{limit / GiB:N0} GiB" : limit % MiB == 0 ? $"{limit / MiB:N0} MiB" : CliFiles.Size(limit);

    /// <summary>What a file of the kind should be, for messages.</summary>
    public static string Expected(FileKind kind) => kind switch
    {
        FileKind.Model => "a float model (.onnx, or .json in ZkMl's model format)",
        FileKind.Input => "inputs in EZKL's input.json format",
        FileKind.Circuit => "a circuit file (.zkc) from zkml compile",
        FileKind.ProvingKey => "a proving key (pk.bin) from zkml setup",
        FileKind.VerifyingKey => "a verifying key (vk.bin) from zkml setup",
        FileKind.Proof => "a proof file from zkml prove",
        FileKind.Ptau => "a snarkjs .ptau file",
        FileKind.Solidity => "a Solidity verifier from zkml create-evm-verifier",
        FileKind.MnistIdx => "an MNIST idx file",
        FileKind.ModelSecret => "a model secret (model.secret) from zkml setup of a zero-knowledge circuit",
        FileKind.InputCommitment => "an input commitment (input.commit) from zkml commit-input",
        FileKind.InputOpening => "an input opening (input.opening) from zkml commit-input",
        _ => "a file",
    };

    /// <summary>The ZkMl binary formats by their first eight bytes.</summary>
    private static readonly (FileKind Kind, byte[] Magic, string Name)[] Magics =
    [
        (FileKind.Circuit, "ZKMLCIRC"u8.ToArray(), "a circuit file (.zkc)"),
        (FileKind.ProvingKey, "ZKMLPK\0\0"u8.ToArray(), "a proving key (pk.bin)"),
        (FileKind.VerifyingKey, "ZKMLVK\0\0"u8.ToArray(), "a verifying key (vk.bin)"),
        (FileKind.Proof, "ZKMLPRF\0"u8.ToArray(), "a proof file"),
        (FileKind.ModelSecret, "ZKMLMSK\0"u8.ToArray(), "a model secret (model.secret)"),
        (FileKind.InputCommitment, "ZKMLXCM\0"u8.ToArray(), "an input commitment (input.commit)"),
        (FileKind.InputOpening, "ZKMLXOP\0"u8.ToArray(), "an input opening (input.opening)"),
    ];

    /// <summary>
    /// Checks <paramref name="path"/> for an argument of <paramref name="kind"/> without reading more than
    /// its first bytes; returns the path.
    /// </summary>
    /// <exception cref="UserException">Missing, a folder, not a regular file, over the limit, or a ZkMl file of another kind.</exception>
    public static string Require(string path, FileKind kind)
    {
        string expected = Expected(kind);
        RequireRegular(path, expected);
        long limit = Limit(kind);
        long length = new FileInfo(path).Length;
        if (length > limit)
            throw new UserException($"{path}: {CliFiles.Size(length)}, more than the {LimitText(limit)} limit for {expected}");
        var other = OtherZkMlKind(path, kind);
        if (other is not null)
        {
            string hint = kind switch
            {
                FileKind.VerifyingKey when other == FileKind.ProvingKey => "; pass the vk.bin written beside it",
                FileKind.ProvingKey when other == FileKind.VerifyingKey => "; pass the pk.bin written beside it",
                _ => "",
            };
            throw new UserException($"{path}: this is {Magics.First(m => m.Kind == other).Name}, expected {expected}{hint}");
        }
        return path;
    }

    /// <summary>Exists, is not a folder, and is a regular file (after symbolic links); otherwise a <see cref="UserException"/>.</summary>
    public static void RequireRegular(string path, string expected)
    {
        if (Directory.Exists(path)) throw new UserException($"{path}: is a folder, expected {expected}");
        if (!File.Exists(path)) throw new UserException($"{path}: file not found (expected {expected})");
        string? type = NonRegularType(path);
        if (type is not null) throw new UserException($"{path}: is a {type}, not a regular file (expected {expected})");
    }

    private static FileKind? OtherZkMlKind(string path, FileKind kind)
    {
        if (!Magics.Any(m => m.Kind == kind)) return null;
        Span<byte> head = stackalloc byte[8];
        int n;
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            n = f.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{path}: cannot read ({e.Message})");
        }
        if (n < 8) return null;
        foreach (var (k, magic, _) in Magics)
            if (k != kind && head.SequenceEqual(magic)) return k;
        return null;
    }

    /// <summary>The file type when <paramref name="path"/> is not a regular file (e.g. "character device"); null for a regular file or when the platform cannot tell.</summary>
    internal static string? NonRegularType(string path)
    {
        if (OperatingSystem.IsWindows())
            return File.GetAttributes(path).HasFlag(FileAttributes.Device) ? "device" : null;
        // stat(2) through the runtime's own native shim: its FileStatus starts with Flags then Mode
        // (the st_mode type bits); a generous buffer covers the rest of the struct.
        var status = new byte[512];
        int rc;
        try { rc = NativeMethods.SystemNativeStat(path, status); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
        if (rc != 0) return null;
        int mode = BitConverter.ToInt32(status, 4) & 0xF000;
        return mode switch
        {
            0x8000 => null,
            0x2000 => "character device",
            0x6000 => "block device",
            0x1000 => "named pipe (FIFO)",
            0xC000 => "socket",
            0x4000 => "folder",
            _ => "special file",
        };
    }

    private static class NativeMethods
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
    }
}

/// <summary>Text from files and models made safe for a terminal: control characters become visible escapes.</summary>
internal static class CliText
{
    /// <summary>
    /// <paramref name="s"/> with every control character (C0 such as ESC and CR, DEL, C1) and the Unicode
    /// bidirectional overrides written as <c>\e</c>, <c>\r</c>, <c>\n</c>, <c>\t</c> or <c>\u001b</c>, so that a
    /// name from a model cannot move the cursor, recolor or rewrite what the terminal shows.
    /// </summary>
    public static string Printable(string? s)
    {
        if (string.IsNullOrEmpty(s)) return s ?? "";
        bool clean = true;
        foreach (char c in s) if (NeedsEscape(c)) { clean = false; break; }
        if (clean) return s;
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
        {
            if (!NeedsEscape(c)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                '\x1b' => "\\e",
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => $"\\u{(int)c:x4}",
            });
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u202a' or '\u202b' or '\u202c' or '\u202d' or '\u202e' or '\u2066' or '\u2067' or '\u2068' or '\u2069';
}
