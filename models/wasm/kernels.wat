;; The hot loops of OLS (Gram, HC3) and logit (likelihood passes) in WebAssembly SIMD (f64x2), one block of at most
;; 256 rows per call. The caller (kernels.ts) copies each block's rows into this memory and owns the layout: every
;; pointer is a byte offset it chooses. Columns are stored 256 doubles (2048 bytes) apart; a block of odd length is
;; padded with a zero row so that two rows go through each f64x2 lane pair. Matrix accumulators are row-major and
;; only their lower triangle is meaningful. Build: npm run build:wasm (wabt), which writes kernels.wasm.
;;
;; Bytes 0..511 hold 2^(-j/64), j = 0..63, and 512..9311 hold 2^(-k), k = 0..1099: the tables of exp-neg.ts,
;; written by the caller, so that the e^−x of $link gives bit for bit the value of expNeg() there (the same operations
;; in the same order: Tang, ACM TOMS 15(2), 1989).
(module
  (memory (export "memory") 1)

  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; Σ a_i b_i over $bytes bytes (a multiple of 16) of two columns.
  (func $dot (param $a i32) (param $b i32) (param $bytes i32) (result f64)
    (local $i i32) (local $s0 v128) (local $s1 v128)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $s0
          (f64x2.add (local.get $s0)
            (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i))))))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 16)) (local.get $bytes))
          (then
            (local.set $s1
              (f64x2.add (local.get $s1)
                (f64x2.mul
                  (v128.load offset=16 (i32.add (local.get $a) (local.get $i)))
                  (v128.load offset=16 (i32.add (local.get $b) (local.get $i))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $rows)))
    (call $hsum (f64x2.add (local.get $s0) (local.get $s1))))

  ;; acc[a][b] += Σ_i wt_i c_a,i c_b,i for b <= a < k (row-major k × k at $acc), column j at $cols + 2048 j, $bytes
  ;; bytes per column (even rows), weights at $w or none when $w is 0 (then $tmp, 4096 bytes, is not used). Two rows
  ;; of acc by four columns per sweep: six loads feed eight f64x2 products. Entries above the diagonal that a sweep
  ;; also adds to are not meaningful.
  (func $syrk (param $cols i32) (param $w i32) (param $k i32) (param $bytes i32) (param $acc i32) (param $tmp i32)
    (local $a i32) (local $b i32) (local $i i32) (local $ua i32) (local $va i32) (local $cb i32) (local $m i32)
    (local $u v128) (local $v v128) (local $z0 v128) (local $z1 v128) (local $z2 v128) (local $z3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $s f64) (local $t f64)
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_s (i32.add (local.get $a) (i32.const 1)) (local.get $k)))
        (local.set $ua (i32.add (local.get $cols) (i32.shl (local.get $a) (i32.const 11))))
        (local.set $va (i32.add (local.get $ua) (i32.const 2048)))
        (if (local.get $w)
          (then
            (local.set $i (i32.const 0))
            (block $wd
              (loop $wl
                (br_if $wd (i32.ge_u (local.get $i) (local.get $bytes)))
                (local.set $u (v128.load (i32.add (local.get $w) (local.get $i))))
                (v128.store (i32.add (local.get $tmp) (local.get $i))
                  (f64x2.mul (local.get $u) (v128.load (i32.add (local.get $ua) (local.get $i)))))
                (v128.store offset=2048 (i32.add (local.get $tmp) (local.get $i))
                  (f64x2.mul (local.get $u) (v128.load (i32.add (local.get $va) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $wl)))
            (local.set $ua (local.get $tmp))
            (local.set $va (i32.add (local.get $tmp) (i32.const 2048)))))
        (local.set $b (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_s (i32.add (local.get $b) (i32.const 3)) (i32.add (local.get $a) (i32.const 1))))
            (local.set $cb (i32.add (local.get $cols) (i32.shl (local.get $b) (i32.const 11))))
            (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
            (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
            (local.set $t0 (v128.const i64x2 0 0)) (local.set $t1 (v128.const i64x2 0 0))
            (local.set $t2 (v128.const i64x2 0 0)) (local.set $t3 (v128.const i64x2 0 0))
            (local.set $i (i32.const 0))
            (block $rd
              (loop $rl
                (br_if $rd (i32.ge_u (local.get $i) (local.get $bytes)))
                (local.set $u (v128.load (i32.add (local.get $ua) (local.get $i))))
                (local.set $v (v128.load (i32.add (local.get $va) (local.get $i))))
                (local.set $z0 (v128.load (i32.add (local.get $cb) (local.get $i))))
                (local.set $z1 (v128.load offset=2048 (i32.add (local.get $cb) (local.get $i))))
                (local.set $z2 (v128.load offset=4096 (i32.add (local.get $cb) (local.get $i))))
                (local.set $z3 (v128.load offset=6144 (i32.add (local.get $cb) (local.get $i))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $u) (local.get $z0))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $u) (local.get $z1))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $u) (local.get $z2))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $u) (local.get $z3))))
                (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $v) (local.get $z0))))
                (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $v) (local.get $z1))))
                (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $v) (local.get $z2))))
                (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $v) (local.get $z3))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $rl)))
            ;; m: byte offset of acc[a][b]; acc[a + 1][b] is k × 8 bytes further.
            (local.set $m
              (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3))))
            (f64.store (local.get $m) (f64.add (f64.load (local.get $m)) (call $hsum (local.get $s0))))
            (f64.store offset=8 (local.get $m) (f64.add (f64.load offset=8 (local.get $m)) (call $hsum (local.get $s1))))
            (f64.store offset=16 (local.get $m) (f64.add (f64.load offset=16 (local.get $m)) (call $hsum (local.get $s2))))
            (f64.store offset=24 (local.get $m) (f64.add (f64.load offset=24 (local.get $m)) (call $hsum (local.get $s3))))
            (local.set $m (i32.add (local.get $m) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $m) (f64.add (f64.load (local.get $m)) (call $hsum (local.get $t0))))
            (f64.store offset=8 (local.get $m) (f64.add (f64.load offset=8 (local.get $m)) (call $hsum (local.get $t1))))
            (f64.store offset=16 (local.get $m) (f64.add (f64.load offset=16 (local.get $m)) (call $hsum (local.get $t2))))
            (f64.store offset=24 (local.get $m) (f64.add (f64.load offset=24 (local.get $m)) (call $hsum (local.get $t3))))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (br $quads)))
        ;; the columns left over, one at a time, for both rows
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.gt_s (local.get $b) (i32.add (local.get $a) (i32.const 1))))
            (local.set $cb (i32.add (local.get $cols) (i32.shl (local.get $b) (i32.const 11))))
            (local.set $s (call $dot (local.get $ua) (local.get $cb) (local.get $bytes)))
            (local.set $t (call $dot (local.get $va) (local.get $cb) (local.get $bytes)))
            (local.set $m
              (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3))))
            (if (i32.le_s (local.get $b) (local.get $a))
              (then (f64.store (local.get $m) (f64.add (f64.load (local.get $m)) (local.get $s)))))
            (local.set $m (i32.add (local.get $m) (i32.shl (local.get $k) (i32.const 3))))
            (f64.store (local.get $m) (f64.add (f64.load (local.get $m)) (local.get $t)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $singles)))
        (local.set $a (i32.add (local.get $a) (i32.const 2)))
        (br $pairs)))
    ;; an odd k leaves its last row of acc
    (if (i32.lt_s (local.get $a) (local.get $k))
      (then
        (local.set $ua (i32.add (local.get $cols) (i32.shl (local.get $a) (i32.const 11))))
        (if (local.get $w)
          (then
            (local.set $i (i32.const 0))
            (block $wd2
              (loop $wl2
                (br_if $wd2 (i32.ge_u (local.get $i) (local.get $bytes)))
                (v128.store (i32.add (local.get $tmp) (local.get $i))
                  (f64x2.mul (v128.load (i32.add (local.get $w) (local.get $i))) (v128.load (i32.add (local.get $ua) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $wl2)))
            (local.set $ua (local.get $tmp))))
        (local.set $b (i32.const 0))
        (block $lastDone
          (loop $last
            (br_if $lastDone (i32.gt_s (local.get $b) (local.get $a)))
            (local.set $m
              (i32.add (local.get $acc) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $k)) (local.get $b)) (i32.const 3))))
            (f64.store (local.get $m)
              (f64.add (f64.load (local.get $m))
                (call $dot (local.get $ua) (i32.add (local.get $cols) (i32.shl (local.get $b) (i32.const 11))) (local.get $bytes))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $last))))))

  ;; The rows at $rows (nb × p, row-major) as p columns at $cols, plus a zero row when nb is odd.
  (func $toCols (param $rows i32) (param $nb i32) (param $p i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $ro i32) (local $co i32)
    (block $d
      (loop $l
        (br_if $d (i32.ge_s (local.get $i) (local.get $nb)))
        (local.set $ro (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $p)) (i32.const 3))))
        (local.set $co (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $cd
          (loop $cl
            (br_if $cd (i32.ge_s (local.get $j) (local.get $p)))
            (f64.store (local.get $co) (f64.load (local.get $ro)))
            (local.set $co (i32.add (local.get $co) (i32.const 2048)))
            (local.set $ro (i32.add (local.get $ro) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cl)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (if (i32.and (local.get $nb) (i32.const 1))
      (then
        (local.set $co (i32.add (local.get $cols) (i32.shl (local.get $nb) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $zd
          (loop $zl
            (br_if $zd (i32.ge_s (local.get $j) (local.get $p)))
            (f64.store (local.get $co) (f64.const 0))
            (local.set $co (i32.add (local.get $co) (i32.const 2048)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $zl))))))

  ;; out_i = Σ_j c_j,i β_j for the $bytes bytes of p columns at $cols, two rows per f64x2.
  (func $xBeta (param $cols i32) (param $beta i32) (param $p i32) (param $bytes i32) (param $out i32)
    (local $i i32) (local $j i32) (local $co i32) (local $s0 v128) (local $s1 v128)
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $s0 (v128.const i64x2 0 0))
        (local.set $s1 (v128.const i64x2 0 0))
        (local.set $co (i32.add (local.get $cols) (local.get $i)))
        (local.set $j (i32.const 0))
        (block $cd
          (loop $cl
            (br_if $cd (i32.ge_s (local.get $j) (local.get $p)))
            (local.set $s0
              (f64x2.add (local.get $s0)
                (f64x2.mul (v128.load (local.get $co)) (v128.load64_splat (i32.add (local.get $beta) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $s1
              (f64x2.add (local.get $s1)
                (f64x2.mul (v128.load offset=16 (local.get $co))
                  (v128.load64_splat (i32.add (local.get $beta) (i32.shl (local.get $j) (i32.const 3)))))))
            (local.set $co (i32.add (local.get $co) (i32.const 2048)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cl)))
        (v128.store (i32.add (local.get $out) (local.get $i)) (local.get $s0))
        (if (i32.lt_u (i32.add (local.get $i) (i32.const 16)) (local.get $bytes))
          (then (v128.store offset=16 (i32.add (local.get $out) (local.get $i)) (local.get $s1))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $l))))

  ;; acc_j += Σ_i v_i c_j,i for the p columns at $cols ($bytes bytes each).
  (func $xtv (param $cols i32) (param $v i32) (param $p i32) (param $bytes i32) (param $acc i32)
    (local $j i32) (local $o i32)
    (block $d
      (loop $l
        (br_if $d (i32.ge_s (local.get $j) (local.get $p)))
        (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
        (f64.store (local.get $o)
          (f64.add (f64.load (local.get $o))
            (call $dot (local.get $v) (i32.add (local.get $cols) (i32.shl (local.get $j) (i32.const 11))) (local.get $bytes))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l))))

  ;; The logistic link over one block (logistic-pass.ts), two rows per f64x2: from η at $eta (overwritten by the
  ;; weights μ(1 − μ) when $full) and y, the residuals y − μ at $r, and μ(1 − μ)(1 − 2μ) at $wd when $full = 2;
  ;; Σ (y η − (η + |η|)/2) and the count of |η| > 30 added at $sc and $sc + 8, Σ μ(1 − μ) at $sc + 16 when $full.
  ;; Returns the product of the factors 1 + e^−|η| (each in [1, 2]; the caller subtracts its logarithm). A padding
  ;; row (odd nb) adds nothing and gets zeros. e^−|η| is expNeg() of exp-neg.ts lane by lane: the same operations in
  ;; the same order, |η| clamped to 745 for the table index and the result 0 beyond, as there.
  (func $link (param $eta i32) (param $y i32) (param $nb i32) (param $r i32) (param $wd i32) (param $full i32) (param $sc i32)
    (result f64)
    (local $io i32) (local $end i32) (local $ki v128) (local $k0 i32) (local $k1 i32) (local $valid v128)
    (local $et v128) (local $a v128) (local $ac v128) (local $kf v128) (local $x v128) (local $x2 v128) (local $e v128)
    (local $q v128) (local $mu v128) (local $yv v128) (local $wi v128) (local $one v128) (local $zero v128)
    (local $ll v128) (local $prod v128) (local $ext v128) (local $wsum v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $prod (local.get $one))
    (local.set $end (i32.shl (local.get $nb) (i32.const 3)))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $io) (local.get $end)))
        ;; both lanes are rows, except lane 1 of the last pair of an odd block
        (local.set $valid
          (select (v128.const i64x2 -1 -1) (v128.const i64x2 -1 0)
            (i32.lt_u (i32.add (local.get $io) (i32.const 8)) (local.get $end))))
        (local.set $et (v128.load (i32.add (local.get $eta) (local.get $io))))
        (local.set $a (f64x2.abs (local.get $et)))
        (local.set $ac (f64x2.min (local.get $a) (f64x2.splat (f64.const 745))))
        (local.set $kf (f64x2.floor (f64x2.add (f64x2.mul (local.get $ac) (f64x2.splat (f64.const 0x1.71547652b82fep+6))) (f64x2.splat (f64.const 0.5)))))
        (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $kf)))
        (local.set $k0 (i32x4.extract_lane 0 (local.get $ki)))
        (local.set $k1 (i32x4.extract_lane 1 (local.get $ki)))
        (local.set $x
          (f64x2.add
            (f64x2.sub (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.62e42fee00000p-7))) (local.get $ac))
            (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.a39ef35793c76p-39)))))
        (local.set $x2 (f64x2.mul (local.get $x) (local.get $x)))
        (local.set $e
          (f64x2.mul
            (f64x2.mul
              (f64x2.add
                (f64x2.add (local.get $one) (local.get $x))
                (f64x2.mul (local.get $x2)
                  (f64x2.add
                    (f64x2.add (f64x2.splat (f64.const 0.5)) (f64x2.mul (local.get $x) (f64x2.splat (f64.const 0x1.5555555555555p-3))))
                    (f64x2.mul (local.get $x2)
                      (f64x2.add
                        (f64x2.add (f64x2.splat (f64.const 0x1.5555555555555p-5)) (f64x2.mul (local.get $x) (f64x2.splat (f64.const 0x1.1111111111111p-7))))
                        (f64x2.mul (local.get $x2) (f64x2.splat (f64.const 0x1.6c16c16c16c17p-10))))))))
              (v128.load64_lane 1 (i32.shl (i32.and (local.get $k1) (i32.const 63)) (i32.const 3))
                (v128.load64_splat (i32.shl (i32.and (local.get $k0) (i32.const 63)) (i32.const 3)))))
            (v128.load64_lane offset=512 1 (i32.shl (i32.shr_s (local.get $k1) (i32.const 6)) (i32.const 3))
              (v128.load64_splat offset=512 (i32.shl (i32.shr_s (local.get $k0) (i32.const 6)) (i32.const 3))))))
        (local.set $e (v128.bitselect (local.get $zero) (local.get $e) (f64x2.gt (local.get $a) (f64x2.splat (f64.const 745)))))
        (local.set $q (f64x2.div (local.get $one) (f64x2.add (local.get $one) (local.get $e))))
        (local.set $mu
          (v128.bitselect (local.get $q) (f64x2.mul (local.get $e) (local.get $q)) (f64x2.ge (local.get $et) (local.get $zero))))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $io))))
        (local.set $ll
          (f64x2.add (local.get $ll)
            (v128.and (local.get $valid)
              (f64x2.sub (f64x2.mul (local.get $yv) (local.get $et))
                (f64x2.mul (f64x2.splat (f64.const 0.5)) (f64x2.add (local.get $et) (local.get $a)))))))
        (local.set $prod
          (f64x2.mul (local.get $prod)
            (v128.bitselect (f64x2.add (local.get $one) (local.get $e)) (local.get $one) (local.get $valid))))
        (v128.store (i32.add (local.get $r) (local.get $io))
          (v128.and (local.get $valid) (f64x2.sub (local.get $yv) (local.get $mu))))
        (if (local.get $full)
          (then
            (local.set $wi (v128.and (local.get $valid) (f64x2.mul (f64x2.mul (local.get $e) (local.get $q)) (local.get $q))))
            (v128.store (i32.add (local.get $eta) (local.get $io)) (local.get $wi))
            (local.set $wsum (f64x2.add (local.get $wsum) (local.get $wi)))
            (if (i32.eq (local.get $full) (i32.const 2))
              (then
                (v128.store (i32.add (local.get $wd) (local.get $io))
                  (f64x2.mul (local.get $wi)
                    (f64x2.sub (local.get $one) (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $mu)))))))))
        (local.set $ext
          (f64x2.add (local.get $ext)
            (v128.and (v128.and (local.get $valid) (f64x2.gt (local.get $a) (f64x2.splat (f64.const 30)))) (local.get $one))))
        (local.set $io (i32.add (local.get $io) (i32.const 16)))
        (br $l)))
    (f64.store (local.get $sc) (f64.add (f64.load (local.get $sc)) (call $hsum (local.get $ll))))
    (f64.store offset=8 (local.get $sc) (f64.add (f64.load offset=8 (local.get $sc)) (call $hsum (local.get $ext))))
    (f64.store offset=16 (local.get $sc) (f64.add (f64.load offset=16 (local.get $sc)) (call $hsum (local.get $wsum))))
    (f64.mul (f64x2.extract_lane 0 (local.get $prod)) (f64x2.extract_lane 1 (local.get $prod))))

  ;; The rows at $rows (nb × p, row-major) and y at $y as the columns of [X y] at $cols, zero-padded to an even
  ;; row count, then their cross-products added to the lower triangle of the (p + 1) × (p + 1) matrix at $acc.
  (func (export "gram") (param $rows i32) (param $y i32) (param $nb i32) (param $p i32) (param $cols i32) (param $acc i32)
    (local $i i32) (local $j i32) (local $ro i32) (local $co i32) (local $n2 i32)
    (local.set $n2 (i32.and (i32.add (local.get $nb) (i32.const 1)) (i32.const -2)))
    (block $d
      (loop $l
        (br_if $d (i32.ge_s (local.get $i) (local.get $n2)))
        (local.set $ro (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $p)) (i32.const 3))))
        (local.set $co (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (if (i32.lt_s (local.get $i) (local.get $nb))
          (then
            (block $cd
              (loop $cl
                (br_if $cd (i32.ge_s (local.get $j) (local.get $p)))
                (f64.store (i32.add (local.get $co) (i32.shl (local.get $j) (i32.const 11)))
                  (f64.load (i32.add (local.get $ro) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $cl)))
            (f64.store (i32.add (local.get $co) (i32.shl (local.get $p) (i32.const 11)))
              (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))))
          (else
            (block $zd
              (loop $zl
                (br_if $zd (i32.gt_s (local.get $j) (local.get $p)))
                (f64.store (i32.add (local.get $co) (i32.shl (local.get $j) (i32.const 11))) (f64.const 0))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $zl)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $syrk (local.get $cols) (i32.const 0) (i32.add (local.get $p) (i32.const 1)) (i32.shl (local.get $n2) (i32.const 3))
      (local.get $acc) (i32.const 0)))

  ;; One block of the HC3 pass (ols-hc3.ts, hc3Block): residuals e = y − xβ (Σe² added at $sc, Xᵀe at $xte), the
  ;; rows permuted ($perm, i32) and scaled ($inv) into columns at $xc, their rows of Q z = x̃W at $zc (W upper
  ;; triangular p × p at $W) with the leverages h = ‖z‖² at $hh, ω = (e / (1 − h))² at $om, and Σ ω zzᵀ added to the
  ;; lower triangle of $meat. Returns the index in the block of the first row with h > 1 − 1e-10 (the meat is then
  ;; incomplete), else −1. $tmp: 4096 bytes of scratch.
  (func (export "hc3")
    (param $rows i32) (param $y i32) (param $nb i32) (param $p i32) (param $beta i32) (param $perm i32) (param $inv i32)
    (param $W i32) (param $cols i32) (param $xc i32) (param $zc i32) (param $om i32) (param $hh i32) (param $tmp i32)
    (param $xte i32) (param $meat i32) (param $sc i32) (result i32)
    (local $i i32) (local $a i32) (local $b0 i32) (local $n2 i32) (local $bytes i32) (local $ro i32) (local $e f64)
    (local $ssr f64) (local $h f64) (local $r f64) (local $x v128) (local $wo i32) (local $xo i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $hv v128)
    (local.set $n2 (i32.and (i32.add (local.get $nb) (i32.const 1)) (i32.const -2)))
    (local.set $bytes (i32.shl (local.get $n2) (i32.const 3)))
    ;; residuals e = y − Xβ (by columns), Σe², Xᵀe, and the permuted scaled columns x̃
    (call $toCols (local.get $rows) (local.get $nb) (local.get $p) (local.get $cols))
    (call $xBeta (local.get $cols) (local.get $beta) (local.get $p) (local.get $bytes) (local.get $om))
    (block $d
      (loop $l
        (br_if $d (i32.ge_s (local.get $i) (local.get $nb)))
        (local.set $ro (i32.add (local.get $om) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $e (f64.sub (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (local.get $ro))))
        (local.set $ssr (f64.add (local.get $ssr) (f64.mul (local.get $e) (local.get $e))))
        (f64.store (local.get $ro) (local.get $e))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (f64.store (local.get $sc) (f64.add (f64.load (local.get $sc)) (local.get $ssr)))
    (if (i32.lt_s (local.get $nb) (local.get $n2))
      (then (f64.store (i32.add (local.get $om) (i32.shl (local.get $nb) (i32.const 3))) (f64.const 0))))
    (call $xtv (local.get $cols) (local.get $om) (local.get $p) (local.get $bytes) (local.get $xte))
    (block $pd
      (loop $pl
        (br_if $pd (i32.ge_s (local.get $a) (local.get $p)))
        (local.set $x (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $a) (i32.const 3))))))
        (local.set $ro
          (i32.add (local.get $cols) (i32.shl (i32.load (i32.add (local.get $perm) (i32.shl (local.get $a) (i32.const 2)))) (i32.const 11))))
        (local.set $xo (i32.add (local.get $xc) (i32.shl (local.get $a) (i32.const 11))))
        (local.set $i (i32.const 0))
        (block $sd0
          (loop $sl0
            (br_if $sd0 (i32.ge_u (local.get $i) (local.get $bytes)))
            (v128.store (i32.add (local.get $xo) (local.get $i)) (f64x2.mul (v128.load (i32.add (local.get $ro) (local.get $i))) (local.get $x)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $sl0)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $pl)))
    ;; z = x̃W four columns at a time for two rows per f64x2 (column b takes rows a <= b of W), h alongside
    (block $qd
      (loop $ql
        (br_if $qd (i32.ge_s (i32.add (local.get $b0) (i32.const 3)) (local.get $p)))
        (local.set $i (i32.const 0))
        (block $rd
          (loop $rl
            (br_if $rd (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $s0 (v128.const i64x2 0 0)) (local.set $s1 (v128.const i64x2 0 0))
            (local.set $s2 (v128.const i64x2 0 0)) (local.set $s3 (v128.const i64x2 0 0))
            (local.set $xo (i32.add (local.get $xc) (local.get $i)))
            (local.set $wo (i32.add (local.get $W) (i32.shl (local.get $b0) (i32.const 3))))
            (local.set $a (i32.const 0))
            (block $ad
              (loop $al
                (br_if $ad (i32.gt_s (local.get $a) (i32.add (local.get $b0) (i32.const 3))))
                (local.set $x (v128.load (local.get $xo)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x) (v128.load64_splat (local.get $wo)))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x) (v128.load64_splat offset=8 (local.get $wo)))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $x) (v128.load64_splat offset=16 (local.get $wo)))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $x) (v128.load64_splat offset=24 (local.get $wo)))))
                (local.set $xo (i32.add (local.get $xo) (i32.const 2048)))
                (local.set $wo (i32.add (local.get $wo) (i32.shl (local.get $p) (i32.const 3))))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $al)))
            (local.set $xo (i32.add (i32.add (local.get $zc) (i32.shl (local.get $b0) (i32.const 11))) (local.get $i)))
            (v128.store (local.get $xo) (local.get $s0))
            (v128.store offset=2048 (local.get $xo) (local.get $s1))
            (v128.store offset=4096 (local.get $xo) (local.get $s2))
            (v128.store offset=6144 (local.get $xo) (local.get $s3))
            (local.set $hv
              (f64x2.add
                (f64x2.add (f64x2.mul (local.get $s0) (local.get $s0)) (f64x2.mul (local.get $s1) (local.get $s1)))
                (f64x2.add (f64x2.mul (local.get $s2) (local.get $s2)) (f64x2.mul (local.get $s3) (local.get $s3)))))
            (if (local.get $b0)
              (then (local.set $hv (f64x2.add (v128.load (i32.add (local.get $hh) (local.get $i))) (local.get $hv)))))
            (v128.store (i32.add (local.get $hh) (local.get $i)) (local.get $hv))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $rl)))
        (local.set $b0 (i32.add (local.get $b0) (i32.const 4)))
        (br $ql)))
    (block $sd
      (loop $sl
        (br_if $sd (i32.ge_s (local.get $b0) (local.get $p)))
        (local.set $i (i32.const 0))
        (block $rd2
          (loop $rl2
            (br_if $rd2 (i32.ge_u (local.get $i) (local.get $bytes)))
            (local.set $s0 (v128.const i64x2 0 0))
            (local.set $xo (i32.add (local.get $xc) (local.get $i)))
            (local.set $wo (i32.add (local.get $W) (i32.shl (local.get $b0) (i32.const 3))))
            (local.set $a (i32.const 0))
            (block $ad2
              (loop $al2
                (br_if $ad2 (i32.gt_s (local.get $a) (local.get $b0)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $xo)) (v128.load64_splat (local.get $wo)))))
                (local.set $xo (i32.add (local.get $xo) (i32.const 2048)))
                (local.set $wo (i32.add (local.get $wo) (i32.shl (local.get $p) (i32.const 3))))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $al2)))
            (v128.store (i32.add (i32.add (local.get $zc) (i32.shl (local.get $b0) (i32.const 11))) (local.get $i)) (local.get $s0))
            (local.set $hv (f64x2.mul (local.get $s0) (local.get $s0)))
            (if (local.get $b0)
              (then (local.set $hv (f64x2.add (v128.load (i32.add (local.get $hh) (local.get $i))) (local.get $hv)))))
            (v128.store (i32.add (local.get $hh) (local.get $i)) (local.get $hv))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $rl2)))
        (local.set $b0 (i32.add (local.get $b0) (i32.const 1)))
        (br $sl)))
    ;; ω = (e / (1 − h))², or the first row whose leverage is 1
    (local.set $i (i32.const 0))
    (block $od
      (loop $ol
        (br_if $od (i32.ge_s (local.get $i) (local.get $nb)))
        (local.set $h (f64.load (i32.add (local.get $hh) (i32.shl (local.get $i) (i32.const 3)))))
        (if (f64.gt (local.get $h) (f64.const 0x1.ffffffff24190p-1)) (then (return (local.get $i))))
        (local.set $r
          (f64.div (f64.load (i32.add (local.get $om) (i32.shl (local.get $i) (i32.const 3)))) (f64.sub (f64.const 1) (local.get $h))))
        (f64.store (i32.add (local.get $om) (i32.shl (local.get $i) (i32.const 3))) (f64.mul (local.get $r) (local.get $r)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ol)))
    (call $syrk (local.get $zc) (local.get $om) (local.get $p) (local.get $bytes) (local.get $meat) (local.get $tmp))
    (i32.const -1))

  ;; One block of the light logit pass (logistic-pass.ts, logitGradPass): the rows as columns at $cols, η at $eta,
  ;; residuals at $r; adds Σ (y η − ln(1 + e^η)) but for the logarithms, and the rows with |η| > 30, to the doubles at
  ;; $sc and $sc + 8, the score Xᵀ(y − μ) to $grad; returns the product of the block's factors 1 + e^−|η| (each in
  ;; [1, 2]) whose logarithm the caller subtracts.
  (func (export "logitGrad")
    (param $rows i32) (param $y i32) (param $nb i32) (param $p i32) (param $beta i32) (param $cols i32) (param $eta i32)
    (param $r i32) (param $grad i32) (param $sc i32) (result f64)
    (local $bytes i32) (local $prod f64)
    (local.set $bytes (i32.shl (i32.and (i32.add (local.get $nb) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (call $toCols (local.get $rows) (local.get $nb) (local.get $p) (local.get $cols))
    (call $xBeta (local.get $cols) (local.get $beta) (local.get $p) (local.get $bytes) (local.get $eta))
    (local.set $prod (call $link (local.get $eta) (local.get $y) (local.get $nb) (local.get $r) (local.get $r) (i32.const 0) (local.get $sc)))
    (call $xtv (local.get $cols) (local.get $r) (local.get $p) (local.get $bytes) (local.get $grad))
    (local.get $prod))

  ;; One block of the full logit pass (logistic-pass.ts, logitPass): as logitGrad, and Σ μ(1 − μ) at $sc + 16, the
  ;; weights μ(1 − μ) at $w, (when $marginal) μ(1 − μ)(1 − 2μ) at $wd with Σ wd x added to $wdx, and the
  ;; information Σ μ(1 − μ) x xᵀ added to the lower triangle of $hess. $tmp: 4096 bytes of scratch.
  (func (export "logitFull")
    (param $rows i32) (param $y i32) (param $nb i32) (param $p i32) (param $beta i32) (param $cols i32) (param $w i32)
    (param $r i32) (param $wd i32) (param $marginal i32) (param $grad i32) (param $wdx i32) (param $hess i32)
    (param $tmp i32) (param $sc i32) (result f64)
    (local $bytes i32) (local $prod f64)
    (local.set $bytes (i32.shl (i32.and (i32.add (local.get $nb) (i32.const 1)) (i32.const -2)) (i32.const 3)))
    (call $toCols (local.get $rows) (local.get $nb) (local.get $p) (local.get $cols))
    (call $xBeta (local.get $cols) (local.get $beta) (local.get $p) (local.get $bytes) (local.get $w))
    (local.set $prod
      (call $link (local.get $w) (local.get $y) (local.get $nb) (local.get $r) (local.get $wd)
        (select (i32.const 2) (i32.const 1) (local.get $marginal)) (local.get $sc)))
    (call $xtv (local.get $cols) (local.get $r) (local.get $p) (local.get $bytes) (local.get $grad))
    (if (local.get $marginal) (then (call $xtv (local.get $cols) (local.get $wd) (local.get $p) (local.get $bytes) (local.get $wdx))))
    (call $syrk (local.get $cols) (local.get $w) (local.get $p) (local.get $bytes) (local.get $hess) (local.get $tmp))
    (local.get $prod))
)
