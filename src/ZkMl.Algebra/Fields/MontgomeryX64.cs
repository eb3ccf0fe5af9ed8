using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// The 4-limb Montgomery product as machine code: <c>mulx</c> with two independent carry chains (<c>adcx</c> on the
/// carry flag, <c>adox</c> on the overflow flag), which the .NET 10 JIT cannot produce from C# (it spells every carry
/// as <c>cmp</c>/<c>setb</c>/<c>movzx</c>/<c>add</c> and takes the low word of each product from a second multiply).
/// The code is emitted at first use into a page of its own (mapped writable, filled, then remapped read + execute)
/// and called through an unmanaged function pointer without a GC transition; it has no branch and no data-dependent
/// memory access (the final subtraction of p is a <c>cmovae</c> select).
/// </summary>
/// <remarks>
/// Available on Linux x64 with BMI2 and ADX only, and unless <c>ZKML_NATIVE_FIELD=0</c>; everywhere else (or when the
/// page cannot be mapped executable) <see cref="Fr"/> and <see cref="Fq"/> keep their C# product, which is the twin the
/// tests compare this code with. The routine is CIOS with the "no-carry" bound: for inputs below p &lt; 2^254 every
/// round leaves t &lt; 2p, so five words hold t + a_i·b and t + m·p and the result needs one conditional subtraction.
/// Signature (System V): <c>void mul(ulong* r, ulong* a, ulong* b)</c>; r may alias a or b (all reads come first).
/// Inputs must be fully reduced (below p), as every <see cref="Fr"/> and <see cref="Fq"/> is: for limbs ≥ p the machine code
/// and the C# product may return different (unreduced) limbs.
/// </remarks>
internal static unsafe class MontgomeryX64
{
    // Field initializers only (no static constructor), so the class is beforefieldinit and precompiled callers need no
    // initialization check per product.
    private static readonly (nint Page, string? Why, bool Refused) Code = Create();

    /// <summary>
    /// True when the CPU and the switch allowed the machine code but the system did not give an executable page
    /// (no libc mmap, or mmap / mprotect refused, as under a policy against writable-then-executable memory).
    /// </summary>
    internal static bool RefusedBySystem => Code.Refused;

    /// <summary>r = a·b·2^-256 mod p for the scalar field, or null where the machine code is not available.</summary>
    public static readonly delegate* unmanaged[SuppressGCTransition]<ulong*, ulong*, ulong*, void> FrMul =
        (delegate* unmanaged[SuppressGCTransition]<ulong*, ulong*, ulong*, void>)Code.Page;

    /// <summary>The same for the base field.</summary>
    public static readonly delegate* unmanaged[SuppressGCTransition]<ulong*, ulong*, ulong*, void> FqMul =
        Code.Page == 0 ? null : (delegate* unmanaged[SuppressGCTransition]<ulong*, ulong*, ulong*, void>)(Code.Page + CodeSlot);

    /// <summary>Why the machine code is not in use (null when it is).</summary>
    public static readonly string? Unavailable = Code.Why;

    private static (nint Page, string? Why, bool Refused) Create()
    {
        if (Reason() is { } why) return (0, why, false);
        byte[] fr = Emit([Fr.P0, Fr.P1, Fr.P2, Fr.P3], Fr.Inv);
        byte[] fq = Emit([Fq.P0, Fq.P1, Fq.P2, Fq.P3], Fq.Inv);
        nint page = MapExecutable(fr, fq, out string? error, out bool refused);
        return (page, page == 0 ? error : null, refused);
    }

    private const int CodeSlot = 1024;

    private static string? Reason()
    {
        if (Environment.GetEnvironmentVariable("ZKML_NATIVE_FIELD") == "0") return "turned off by ZKML_NATIVE_FIELD=0";
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not Linux x64";
        if (!Bmi2.X64.IsSupported) return "no BMI2 (or the runtime's hardware intrinsics are turned off)";
        if ((X86Base.CpuId(7, 0).Ebx & (1 << 19)) == 0) return "no ADX";
        return null;
    }

    private static nint MapExecutable(byte[] first, byte[] second, out string? error, out bool refused)
    {
        refused = true;
        const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;
        const nuint Length = 4096;
        error = null;
        if (first.Length > CodeSlot || second.Length > CodeSlot) { error = "routine longer than its slot"; refused = false; return 0; }
        nint page;
        try
        {
            page = Mmap(0, Length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            error = "libc mmap not found: " + e.Message;
            return 0;
        }
        if (page == -1) { error = $"mmap failed (errno {Marshal.GetLastPInvokeError()})"; return 0; }
        first.CopyTo(new Span<byte>((void*)page, first.Length));
        second.CopyTo(new Span<byte>((void*)(page + CodeSlot), second.Length));
        if (Mprotect(page, Length, ProtRead | ProtExec) != 0)
        {
            error = $"mprotect(PROT_READ | PROT_EXEC) refused (errno {Marshal.GetLastPInvokeError()})";
            Munmap(page, Length);
            return 0;
        }
        refused = false;
        return page;
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mprotect(nint addr, nuint length, int prot);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Munmap(nint addr, nuint length);

    // ------------------------------------------------------------------ the routine

    // Register numbers of the x86-64 encoding.
    private const int Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rbp = 5, Rsi = 6, Rdi = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12;

    /// <summary>
    /// The Montgomery product for the 4-limb modulus p (top limb below 2^62) with inv = −p⁻¹ mod 2^64, as machine code
    /// followed by its constants (p₀…p₃, inv), which the code reads RIP-relative.
    /// </summary>
    internal static byte[] Emit(ulong[] p, ulong inv)
    {
        if (p.Length != 4 || p[3] >= 1UL << 62) throw new ArgumentException("a 4-limb modulus below 2^254 is expected", nameof(p));
        if ((p[0] & 1) == 0 || p[0] * inv != ulong.MaxValue) throw new ArgumentException("an odd modulus and inv = −p⁻¹ mod 2^64 are expected", nameof(inv));
        var e = new Emitter();
        // rdi = r, rsi = a, rcx = b (rdx is mulx's implicit operand), rax/r8 = low/high word of a product, r9 = 0,
        // t0…t4 in five registers that rotate by one each round (the reduced low word is 0 and becomes the next top word).
        e.Endbr64(); // a landing pad for indirect calls where indirect-branch tracking is enforced; a NOP elsewhere
        e.Push(Rbx); e.Push(Rbp); e.Push(R12);
        e.MovRR(Rcx, Rdx);
        int[] t = [R10, R11, Rbx, Rbp, R12];

        // Round 0: t = a0·b (one carry chain).
        e.Xor32(R9, R9);
        e.MovRM(Rdx, Rsi, 0);
        e.Mulx(t[1], t[0], Emitter.Mem(Rcx, 0));
        for (int j = 1; j < 4; j++)
        {
            e.Mulx(t[j + 1], Rax, Emitter.Mem(Rcx, 8 * j));
            e.Adcx(t[j], Emitter.Reg(Rax));
        }
        e.Adcx(t[4], Emitter.Reg(R9));

        for (int i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                // t += a_i·b: low words on the OF chain, high words on the CF chain (t4 is 0 here).
                e.MovRM(Rdx, Rsi, 8 * i);
                e.Xor32(Rax, Rax);
                for (int j = 0; j < 4; j++)
                {
                    e.Mulx(R8, Rax, Emitter.Mem(Rcx, 8 * j));
                    e.Adox(t[j], Emitter.Reg(Rax));
                    e.Adcx(t[j + 1], Emitter.Reg(R8));
                }
                e.Adox(t[4], Emitter.Reg(R9));
            }
            // Reduction: m = t0·inv, t += m·p (low words on CF, high words on OF); t0 becomes 0.
            e.MovRR(Rdx, t[0]);
            e.Imul(Rdx, Emitter.Rip(4));
            e.Xor32(Rax, Rax);
            for (int j = 0; j < 4; j++)
            {
                e.Mulx(R8, Rax, Emitter.Rip(j));
                e.Adcx(t[j], Emitter.Reg(Rax));
                e.Adox(t[j + 1], Emitter.Reg(R8));
            }
            e.Adcx(t[4], Emitter.Reg(R9));
            t = [t[1], t[2], t[3], t[4], t[0]];
        }

        // t < 2p: subtract p where t ≥ p (no borrow), select without a branch, store.
        int[] s = [Rax, R8, R9, Rdx];
        for (int j = 0; j < 4; j++) e.MovRR(s[j], t[j]);
        e.Sub(s[0], Emitter.Rip(0));
        for (int j = 1; j < 4; j++) e.Sbb(s[j], Emitter.Rip(j));
        for (int j = 0; j < 4; j++) e.Cmovae(t[j], Emitter.Reg(s[j]));
        for (int j = 0; j < 4; j++) e.MovMR(Rdi, 8 * j, t[j]);
        e.Pop(R12); e.Pop(Rbp); e.Pop(Rbx);
        e.Ret();
        return e.Finish([p[0], p[1], p[2], p[3], inv]);
    }

    /// <summary>A minimal x86-64 encoder for the instructions of <see cref="Emit"/>.</summary>
    private sealed class Emitter
    {
        private readonly List<byte> _code = [];
        private readonly List<(int At, int Constant)> _ripFixups = [];

        /// <summary>A register or memory operand: Kind 0 register, 1 [base + disp8], 2 [rip + constant].</summary>
        public readonly record struct Operand(int Kind, int Register, int Value);

        public static Operand Reg(int r) => new(0, r, 0);
        public static Operand Mem(int baseRegister, int disp) => new(1, baseRegister, disp);
        public static Operand Rip(int constant) => new(2, 0, constant);

        private void B(int b) => _code.Add((byte)b);

        private static int Rex(bool w, int reg, int rm) => 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);

        private static int RmRegister(Operand o) => o.Kind == 2 ? 0 : o.Register;

        // ModRM (+ SIB, displacement) for reg field `reg` and operand `o`.
        private void ModRm(int reg, Operand o)
        {
            switch (o.Kind)
            {
                case 0:
                    B(0xC0 | ((reg & 7) << 3) | (o.Register & 7));
                    break;
                case 1:
                    if (o.Value is < -128 or > 127) throw new ArgumentOutOfRangeException(nameof(o), "disp8 only");
                    B(0x40 | ((reg & 7) << 3) | (o.Register & 7));
                    if ((o.Register & 7) == 4) B(0x24); // rsp/r12 base needs a SIB byte
                    B(o.Value & 0xFF);
                    break;
                default:
                    B(((reg & 7) << 3) | 5);
                    _ripFixups.Add((_code.Count, o.Value));
                    B(0); B(0); B(0); B(0);
                    break;
            }
        }

        // REX.W prefix + opcode bytes + ModRM for "op reg, r/m".
        private void RexOp(int reg, Operand o, params int[] opcode)
        {
            B(Rex(true, reg, RmRegister(o)));
            foreach (int b in opcode) B(b);
            ModRm(reg, o);
        }

        public void Push(int r) { if (r >= 8) B(0x41); B(0x50 + (r & 7)); }
        public void Pop(int r) { if (r >= 8) B(0x41); B(0x58 + (r & 7)); }
        public void Ret() => B(0xC3);
        public void Endbr64() { B(0xF3); B(0x0F); B(0x1E); B(0xFA); }
        public void MovRR(int dst, int src) => RexOp(src, Reg(dst), 0x89);
        public void MovRM(int dst, int baseRegister, int disp) => RexOp(dst, Mem(baseRegister, disp), 0x8B);
        public void MovMR(int baseRegister, int disp, int src) => RexOp(src, Mem(baseRegister, disp), 0x89);

        public void Xor32(int dst, int src)
        {
            if (dst >= 8 || src >= 8) B(0x40 | ((src >> 3) << 2) | (dst >> 3));
            B(0x31);
            B(0xC0 | ((src & 7) << 3) | (dst & 7));
        }

        public void Imul(int dst, Operand src) => RexOp(dst, src, 0x0F, 0xAF);
        public void Sub(int dst, Operand src) => RexOp(dst, src, 0x2B);
        public void Sbb(int dst, Operand src) => RexOp(dst, src, 0x1B);
        public void Cmovae(int dst, Operand src) => RexOp(dst, src, 0x0F, 0x43);
        public void Adcx(int dst, Operand src) { B(0x66); RexOp(dst, src, 0x0F, 0x38, 0xF6); }
        public void Adox(int dst, Operand src) { B(0xF3); RexOp(dst, src, 0x0F, 0x38, 0xF6); }

        /// <summary>mulx hi, lo, src: hi:lo = rdx·src (VEX.LZ.F2.0F38.W1 F6 /r; hi in ModRM.reg, lo in VEX.vvvv).</summary>
        public void Mulx(int hi, int lo, Operand src)
        {
            int rm = RmRegister(src);
            B(0xC4);
            B(((~hi >> 3) & 1) << 7 | 1 << 6 | ((~rm >> 3) & 1) << 5 | 0x02);
            B(0x80 | ((~lo & 0xF) << 3) | 0x03);
            B(0xF6);
            ModRm(hi, src);
        }

        /// <summary>The code, padded to 8 bytes, then the constants; RIP-relative displacements resolved.</summary>
        public byte[] Finish(ulong[] constants)
        {
            while (_code.Count % 8 != 0) B(0xCC);
            int constantsAt = _code.Count;
            var bytes = new byte[constantsAt + 8 * constants.Length];
            _code.CopyTo(bytes);
            for (int i = 0; i < constants.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(constantsAt + 8 * i), constants[i]);
            foreach (var (at, constant) in _ripFixups)
            {
                int disp = constantsAt + 8 * constant - (at + 4);
                BitConverter.TryWriteBytes(bytes.AsSpan(at), disp);
            }
            return bytes;
        }
    }
}
