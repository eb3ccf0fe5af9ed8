            // ===== conv and pooling helpers (fixed; docs/protocol.md "Conv and pooling layers") ==========
            // Only in verifiers of keys with conv or pooling layers. Points are arrays of field elements in
            // memory, coordinate 0 = the most significant index bit (as everywhere).

            // Ĩ_n(pt[0..k)): the MLE of [y < n] over y ∈ {0,1}^k (the two-state "less than" automaton, LSB first)
            function lessThan(pt, k, n) -> v {
                if iszero(lt(n, shl(k, 1))) {
                    v := 1
                    leave
                }
                let less := 0
                let notLess := 1
                for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                    let x := mload(add(pt, shl(5, sub(sub(k, 1), j))))
                    let w0 := addmod(1, sub(R_MOD, x), R_MOD)
                    switch and(shr(j, n), 1)
                    case 1 {
                        let l2 := addmod(mulmod(w0, addmod(less, notLess, R_MOD), R_MOD), mulmod(x, less, R_MOD), R_MOD)
                        notLess := mulmod(x, notLess, R_MOD)
                        less := l2
                    }
                    default {
                        let n2 := addmod(mulmod(w0, notLess, R_MOD), mulmod(x, addmod(less, notLess, R_MOD), R_MOD), R_MOD)
                        less := mulmod(w0, less, R_MOD)
                        notLess := n2
                    }
                }
                v := less
            }

            // Σ_{y<n} eq(a, y)·eq(s, y) over y ∈ {0,1}^k: the "less than" automaton on the per-bit weights
            // (1 − a_j)(1 − s_j), a_j·s_j (ConvSelector.PairLessThan)
            function pairLessThan(a, s, k, n) -> v {
                let less := 0
                let notLess := 1
                let all := iszero(lt(n, shl(k, 1)))
                for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                    let o := shl(5, sub(sub(k, 1), j))
                    let x := mload(add(a, o))
                    let z := mload(add(s, o))
                    let w1 := mulmod(x, z, R_MOD)
                    let w0 := mulmod(addmod(1, sub(R_MOD, x), R_MOD), addmod(1, sub(R_MOD, z), R_MOD), R_MOD)
                    switch or(all, iszero(and(shr(j, n), 1)))
                    case 0 {
                        let l2 := addmod(mulmod(w0, addmod(less, notLess, R_MOD), R_MOD), mulmod(w1, less, R_MOD), R_MOD)
                        notLess := mulmod(w1, notLess, R_MOD)
                        less := l2
                    }
                    default {
                        switch all
                        case 1 { notLess := mulmod(notLess, addmod(w0, w1, R_MOD), R_MOD) }
                        default {
                            let n2 := addmod(mulmod(w0, notLess, R_MOD), mulmod(w1, addmod(less, notLess, R_MOD), R_MOD), R_MOD)
                            less := mulmod(w0, less, R_MOD)
                            notLess := n2
                        }
                    }
                }
                v := less
                if all { v := notLess }
            }

            // A packed dimension record geo (DimGeometry in the generator): 32-bit fields, least significant first:
            // 0 dCount, 1 stride, 2 pad, 3 outSize, 4 inSize, 5 outBits, 6 inBits, 7 dBits.
            function geoField(geo, i) -> v { v := and(shr(shl(5, i), geo), 0xffffffff) }

            // The d range of an output row whose window starts at u0 = s·y − p (signed): the d < dCount with u0 + d inside
            // [0, inSize), as [d0, d1) (empty when d0 ≥ d1, signed)
            function dRange(u0, geo) -> d0, d1 {
                if slt(u0, 0) { d0 := sub(0, u0) }
                d1 := sub(geoField(geo, 4), u0)
                if sgt(d1, geoField(geo, 0)) { d1 := geoField(geo, 0) }
            }

            // Σ_{y < outSize} er[y]·Σ_{d < dCount} w(d)·es[s·y + d − p] over the u = s·y + d − p inside [0, inSize): one
            // dimension's window selector by its direct sum over the eq tables er = eq(r, ·), es = eq(σ, ·)
            // (O(outSize·dCount) multiplications; conv: w = eq(ρ, ·) over all d < 2^|ρ|; pools: d < kh). wd = 0: w ≡ 1.
            // Each row iterates only its d range [d0, d1) (as dRange), so no term is tested for the bounds.
            function windowSum(er, es, wd, geo) -> acc {
                let stride := geoField(geo, 1)
                let dCount := geoField(geo, 0)
                let inSize := geoField(geo, 4)
                let u0 := sub(0, geoField(geo, 2))
                for { let erEnd := add(er, shl(5, geoField(geo, 3))) } lt(er, erEnd) { er := add(er, 0x20) } {
                    let d0 := 0
                    if slt(u0, 0) { d0 := sub(0, u0) }
                    let d1 := sub(inSize, u0)
                    if sgt(d1, dCount) { d1 := dCount }
                    if slt(d0, d1) {
                        let inner := windowRow(add(es, shl(5, add(u0, d0))), add(es, shl(5, add(u0, d1))), wd, d0)
                        if inner { acc := addmod(acc, mulmod(mload(er), inner, R_MOD), R_MOD) }
                    }
                    u0 := add(u0, stride)
                }
            }

            // Σ_{e ≤ p < eEnd} w(d0 + (p − e)/32)·mload(p) (windowSum's inner sum over one row's d range); with weights, four
            // products (each < r, their sum < 2^256) per reduction
            function windowRow(e, eEnd, wd, d0) -> inner {
                // a whole row of a 5×5 … 8×8 kernel padded to 8 offsets (the common case of a conv layer): no loop
                if and(eq(sub(eEnd, e), 0x100), iszero(d0)) {
                    if wd {
                        inner := dot8(wd, e)
                        leave
                    }
                }
                switch wd
                case 0 { for { } lt(e, eEnd) { e := add(e, 0x20) } { inner := addmod(inner, mload(e), R_MOD) } }
                default {
                    let w := add(wd, shl(5, d0))
                    for { } lt(add(e, 0x60), eEnd) { e := add(e, 0x80) w := add(w, 0x80) } {
                        inner := addmod(inner, add(add(mulmod(mload(w), mload(e), R_MOD), mulmod(mload(add(w, 0x20)), mload(add(e, 0x20)), R_MOD)),
                                                   add(mulmod(mload(add(w, 0x40)), mload(add(e, 0x40)), R_MOD), mulmod(mload(add(w, 0x60)), mload(add(e, 0x60)), R_MOD))), R_MOD)
                    }
                    for { } lt(e, eEnd) { e := add(e, 0x20) w := add(w, 0x20) } {
                        inner := addmod(inner, mulmod(mload(w), mload(e), R_MOD), R_MOD)
                    }
                }
            }

            // Σ_{j < 8} a[j]·b[j] (two sums of four products, each below 2^256, then one reduction)
            function dot8(a, b) -> v {
                v := addmod(add(add(mulmod(mload(a), mload(b), R_MOD), mulmod(mload(add(a, 0x20)), mload(add(b, 0x20)), R_MOD)),
                                add(mulmod(mload(add(a, 0x40)), mload(add(b, 0x40)), R_MOD), mulmod(mload(add(a, 0x60)), mload(add(b, 0x60)), R_MOD))),
                            add(add(mulmod(mload(add(a, 0x80)), mload(add(b, 0x80)), R_MOD), mulmod(mload(add(a, 0xa0)), mload(add(b, 0xa0)), R_MOD)),
                                add(mulmod(mload(add(a, 0xc0)), mload(add(b, 0xc0)), R_MOD), mulmod(mload(add(a, 0xe0)), mload(add(b, 0xe0)), R_MOD))), R_MOD)
            }

            // windowSum(eq(r, ·), es, eq(ρ, ·), geo) for the weights eq(ρ, d) over every d < dCount = 2^dBits (a conv layer's kernel
            // rows, a max pool's window of a power-of-two side) without the row loop: es restricted to [0, inSize) is folded with
            // one bit of d at a time, E ← E + ρ_t·(E(· + 2^(dBits−1−t)) − E), so that E(i) = Σ_d eq(ρ, d)·es(i + d − p); then
            // G(y) = E(s·y) for y < outSize (0 above) and the value is G̃(r), r folded the same way. O((s·outSize + 2^dBits)·dBits
            // + 2^outBits) multiplications instead of O(outSize·2^dBits), and no table of r or ρ. Works in the free memory above
            // the bump pointer (nothing is allocated meanwhile, and it is not part of the first part's memory image).
            function windowFold(r, es, rho, geo) -> v {
                let stride := geoField(geo, 1)
                let pad := geoField(geo, 2)
                let outSize := geoField(geo, 3)
                let outBits := geoField(geo, 5)
                let dBits := geoField(geo, 7)
                let buf := mload(0x40)
                // E_0(i) = es(i − p) for 0 ≤ i − p < inSize, else 0; i < len = s·(outSize − 1) + 2^dBits
                let len := add(mul(stride, sub(outSize, 1)), shl(dBits, 1))
                calldatacopy(buf, calldatasize(), shl(5, len))
                let n := geoField(geo, 4)
                if sgt(add(n, pad), len) { n := sub(len, pad) }
                if sgt(n, 0) { mcopy(add(buf, shl(5, pad)), es, shl(5, n)) }
                for { let t := 0 } lt(t, dBits) { t := add(t, 1) } {
                    let c := mload(add(rho, shl(5, t)))
                    let sh := shl(5, shl(sub(sub(dBits, 1), t), 1))
                    len := sub(len, shr(5, sh))
                    foldRun(buf, add(buf, shl(5, len)), sh, c)
                }
                if gt(stride, 1) {
                    for { let y := 1 } lt(y, outSize) { y := add(y, 1) } { mstore(add(buf, shl(5, y)), mload(add(buf, shl(5, mul(stride, y))))) }
                }
                calldatacopy(add(buf, shl(5, outSize)), calldatasize(), shl(5, sub(shl(outBits, 1), outSize)))
                for { let t := 0 } lt(t, outBits) { t := add(t, 1) } {
                    let c := mload(add(r, shl(5, t)))
                    let half := shl(5, shl(sub(sub(outBits, 1), t), 1))
                    foldRun(buf, add(buf, half), half, c)
                }
                v := mload(buf)
            }

            // eq(a, b) = Π_(t<k) (a_t·b_t + (1 − a_t)(1 − b_t)) of two points of k coordinates
            function eqPair(a, b, k) -> v {
                v := 1
                for { let t := 0 } lt(t, k) { t := add(t, 1) } {
                    let x := mload(add(a, shl(5, t)))
                    let z := mload(add(b, shl(5, t)))
                    let xz := mulmod(x, z, R_MOD)
                    // 1 − x − z + 2xz (x + z < 2r)
                    v := mulmod(v, addmod(add(1, add(xz, xz)), sub(shl(1, R_MOD), add(x, z)), R_MOD), R_MOD)
                }
            }

            // E(p) ← E(p) + c·(E(p + sh) − E(p)) for the words p in [p0, end), in increasing order (so E(p + sh), sh > 0, is
            // still the old value), four per iteration, then the rest one by one
            function foldRun(p, end, sh, c) {
                let q := R_MOD
                for { } lt(add(p, 0x60), end) { p := add(p, 0x80) } {
                    let a := mload(p)
                    mstore(p, addmod(a, mulmod(c, add(mload(add(p, sh)), sub(q, a)), q), q))
                    let p1 := add(p, 0x20)
                    a := mload(p1)
                    mstore(p1, addmod(a, mulmod(c, add(mload(add(p1, sh)), sub(q, a)), q), q))
                    p1 := add(p, 0x40)
                    a := mload(p1)
                    mstore(p1, addmod(a, mulmod(c, add(mload(add(p1, sh)), sub(q, a)), q), q))
                    p1 := add(p, 0x60)
                    a := mload(p1)
                    mstore(p1, addmod(a, mulmod(c, add(mload(add(p1, sh)), sub(q, a)), q), q))
                }
                for { } lt(p, end) { p := add(p, 0x20) } {
                    let a := mload(p)
                    mstore(p, addmod(a, mulmod(c, add(mload(add(p, sh)), sub(q, a)), q), q))
                }
            }

            // Σ_{y < outSize} er[y]·es[y]·Σ_{d < dCount} wd[d]·[0 ≤ s·y + d − p < inSize]: the MLE at σ of a max pool's
            // slot-validity weights W_h (es = eq(σ, ·)), or with es = 0 (weight 1) the validity V̂_h = Σ_y er[y]·v(y)
            function validSum(er, es, wd, geo) -> acc {
                let stride := geoField(geo, 1)
                let dCount := geoField(geo, 0)
                let inSize := geoField(geo, 4)
                let u0 := sub(0, geoField(geo, 2))
                // a row whose window lies inside [0, inSize) has all d < dCount: its weight is the whole sum, computed once
                let full := 0
                for { let d := 0 } lt(d, dCount) { d := add(d, 1) } { full := addmod(full, mload(add(wd, shl(5, d))), R_MOD) }
                for { let y := 0 } lt(y, geoField(geo, 3)) { y := add(y, 1) } {
                    let v := full
                    if or(slt(u0, 0), sgt(add(u0, dCount), inSize)) {
                        let d0, d1 := dRange(u0, geo)
                        v := 0
                        for { } slt(d0, d1) { d0 := add(d0, 1) } { v := addmod(v, mload(add(wd, shl(5, d0))), R_MOD) }
                    }
                    let e := mload(add(er, shl(5, y)))
                    if es { e := mulmod(e, mload(add(es, shl(5, y))), R_MOD) }
                    acc := addmod(acc, mulmod(e, v, R_MOD), R_MOD)
                    u0 := add(u0, stride)
                }
            }

            // eqTable(pt, k), built once per (pt, k) during a verification: memo holds the address of 64 buckets (zeroed by
            // the caller), each the head of a list of records [next, pt, k, table]; the bucket is (pt/32 + k) mod 64, so a
            // lookup visits about one record. Points are never written after their first selector use, and memory is never
            // freed, so one address holds one point.
            function eqMemo(memo, pt, k) -> t {
                let bucket := add(mload(memo), shl(5, and(add(shr(5, pt), k), 63)))
                for { let m := mload(bucket) } m { m := mload(m) } {
                    if and(eq(mload(add(m, 0x20)), pt), eq(mload(add(m, 0x40)), k)) {
                        t := mload(add(m, 0x60))
                        leave
                    }
                }
                t := eqTableK(pt, k)
                let m := alloc(0x80)
                mstore(m, mload(bucket))
                mstore(add(m, 0x20), pt)
                mstore(add(m, 0x40), k)
                mstore(add(m, 0x60), t)
                mstore(bucket, m)
            }

            // one dimension's window selector (windowSum) from the points r, σ; wd: the d weights (0: all 1)
            function winDim(memo, r, sigma, wd, geo) -> v {
                v := windowSum(eqMemo(memo, r, geoField(geo, 5)), eqMemo(memo, sigma, geoField(geo, 6)), wd, geo)
            }

            // one dimension's slot-validity weights at σ (validSum with es = eq(σ, ·) over the output bits); σ = 0: V̂
            function validDim(memo, r, sigma, wd, geo) -> v {
                let es := 0
                if sigma { es := eqMemo(memo, sigma, geoField(geo, 5)) }
                v := validSum(eqMemo(memo, r, geoField(geo, 5)), es, wd, geo)
            }

            // Zero-check (Gruen) of degree d ("Sumcheck"): message (q_1 … q_d); q_0 = ẽ − τ_i·Σ q; ẽ ← q(r_i) (Horner).
            // Challenges to pt[0..n); returns G(r) without the eq factor and the cursor.
            function zeroCheckD(e, tau, n, d, cd, pt) -> eOut, cdOut {
                trAbsorbWord({{label:Sumcheck.Claim}}, e)
                eOut := e
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    let sum := 0
                    for { let k := 0 } lt(k, d) { k := add(k, 1) } { sum := addmod(sum, frAt(add(cd, shl(5, k))), R_MOD) }
                    trAbsorbCalldata({{label:Sumcheck.Round}}, cd, shl(5, d))
                    let r := mod(mload(0x00), R_MOD) // absorb-challenge: the round's new state is its challenge
                    mstore(add(pt, shl(5, i)), r)
                    let q0 := addmod(eOut, sub(R_MOD, mulmod(mload(add(tau, shl(5, i))), sum, R_MOD)), R_MOD)
                    let h := 0
                    for { let k := d } gt(k, 0) { k := sub(k, 1) } { h := addmod(mulmod(h, r, R_MOD), calldataload(add(cd, shl(5, sub(k, 1)))), R_MOD) }
                    eOut := addmod(mulmod(h, r, R_MOD), q0, R_MOD)
                    cd := add(cd, shl(5, d))
                }
                cdOut := cd
            }

            // n fresh challenges with one label into a new array
            function challenges(label, n) -> pt {
                pt := alloc(shl(5, n))
                for { let i := 0 } lt(i, n) { i := add(i, 1) } { mstore(add(pt, shl(5, i)), trChallenge(label)) }
            }

            // a new array holding a[0..ka) ‖ b[0..kb)
            function concat(a, ka, b, kb) -> p {
                p := alloc(shl(5, add(ka, kb)))
                mcopy(p, a, shl(5, ka))
                mcopy(add(p, shl(5, ka)), b, shl(5, kb))
            }
