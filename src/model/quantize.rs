//! Row-wise int8 quantisation of activations and dequantisation of int32 products, each as
//! one pass over memory.
//!
//! The same arithmetic as the chain of libtorch element-wise operations it replaces (absolute
//! maximum, divide, round half to even, clamp, convert; then convert, scale, scale, add bias),
//! in the same order and precision, so results are bit-identical; libtorch ran it as about ten
//! passes with as many temporary tensors, which cost about as much as the int8 products
//! themselves on MiniLM-sized layers.
//!
//! Between the two feed-forward products, [`dequantize_gelu_quantize`] goes straight from the
//! first product's int32 result to the second product's int8 input, with GELU in between (its
//! own erf approximation, within 1e-6 of libtorch's): the widest activation of the layer is
//! then never written out as fp32.

use tch::{Kind, Tensor};

/// Smallest row scale before division by 127, as in the libtorch form (`clamp_min(1e-8)`).
const MIN_ROW_MAX: f32 = 1e-8;

/// Quantises each row of a contiguous fp32 `[rows, width]` tensor symmetrically to int8:
/// returns the int8 tensor and the fp32 scale of each row (`[rows, 1]`).
///
/// Panics if `x` is not a contiguous 2-D fp32 CPU tensor (an internal invariant: the encoder
/// only passes its own activations).
pub fn quantize_rows(x: &Tensor) -> (Tensor, Tensor) {
    let (rows, width) = matrix_shape(x, Kind::Float);
    let quantized = Tensor::empty([rows as i64, width as i64], (Kind::Int8, x.device()));
    let scales = Tensor::empty([rows as i64, 1], (Kind::Float, x.device()));
    if rows == 0 || width == 0 {
        return (quantized, scales);
    }
    // SAFETY: shapes, kinds and contiguity were checked above; the three tensors are distinct
    // allocations that outlive the slices.
    let (input, output, scale) = unsafe {
        (
            std::slice::from_raw_parts(x.data_ptr() as *const f32, rows * width),
            std::slice::from_raw_parts_mut(quantized.data_ptr() as *mut i8, rows * width),
            std::slice::from_raw_parts_mut(scales.data_ptr() as *mut f32, rows),
        )
    };
    quantize_dispatched(input, output, scale, width);
    (quantized, scales)
}

/// `acc` (`[rows, out]` int32 products) × row scale × column scale + bias, as fp32, plus
/// `residual` (`[rows, out]`) when given: the residual connection folded into the same pass,
/// added last as the separate libtorch addition did.
///
/// Panics on shapes that do not agree (an internal invariant).
pub fn dequantize(
    acc: &Tensor,
    row_scale: &Tensor,
    column_scale: &Tensor,
    bias: &Tensor,
    residual: Option<&Tensor>,
) -> Tensor {
    let (rows, width) = matrix_shape(acc, Kind::Int);
    let out = Tensor::empty([rows as i64, width as i64], (Kind::Float, acc.device()));
    if rows == 0 || width == 0 {
        return out;
    }
    let (row_scale, column_scale, bias) = (
        float_vector(row_scale, rows),
        float_vector(column_scale, width),
        float_vector(bias, width),
    );
    let residual = residual.map(|r| float_vector(r, rows * width));
    // SAFETY: as in `quantize_rows`.
    let (input, output) = unsafe {
        (
            std::slice::from_raw_parts(acc.data_ptr() as *const i32, rows * width),
            std::slice::from_raw_parts_mut(out.data_ptr() as *mut f32, rows * width),
        )
    };
    dequantize_dispatched(input, output, row_scale, column_scale, bias, residual);
    out
}

/// GELU (erf form) of `acc` × row scale × column scale + bias, quantised per row to int8 as
/// [`quantize_rows`] does: the first feed-forward product's epilogue and the second's input in
/// one pass. Returns the int8 tensor and the row scales (`[rows, 1]`).
///
/// Panics on shapes that do not agree (an internal invariant).
pub fn dequantize_gelu_quantize(
    acc: &Tensor,
    row_scale: &Tensor,
    column_scale: &Tensor,
    bias: &Tensor,
) -> (Tensor, Tensor) {
    let (rows, width) = matrix_shape(acc, Kind::Int);
    let quantized = Tensor::empty([rows as i64, width as i64], (Kind::Int8, acc.device()));
    let scales = Tensor::empty([rows as i64, 1], (Kind::Float, acc.device()));
    if rows == 0 || width == 0 {
        return (quantized, scales);
    }
    let (row_scale, column_scale, bias) = (
        float_vector(row_scale, rows),
        float_vector(column_scale, width),
        float_vector(bias, width),
    );
    // SAFETY: as in `quantize_rows`.
    let (input, output, scale) = unsafe {
        (
            std::slice::from_raw_parts(acc.data_ptr() as *const i32, rows * width),
            std::slice::from_raw_parts_mut(quantized.data_ptr() as *mut i8, rows * width),
            std::slice::from_raw_parts_mut(scales.data_ptr() as *mut f32, rows),
        )
    };
    let mut row = vec![0.0f32; width];
    gelu_quantize_dispatched(
        input,
        output,
        scale,
        row_scale,
        column_scale,
        bias,
        &mut row,
    );
    (quantized, scales)
}

/// A contiguous fp32 tensor of `len` elements as a slice.
fn float_vector(t: &Tensor, len: usize) -> &[f32] {
    assert!(t.kind() == Kind::Float && t.is_contiguous() && t.numel() == len);
    // SAFETY: kind, contiguity and length checked on the line above; the slice borrows `t`.
    unsafe { std::slice::from_raw_parts(t.data_ptr() as *const f32, len) }
}

fn matrix_shape(t: &Tensor, kind: Kind) -> (usize, usize) {
    let size = t.size();
    assert!(
        size.len() == 2 && t.kind() == kind && t.is_contiguous() && t.device() == tch::Device::Cpu,
        "int8 kernels need a contiguous 2-D {kind:?} CPU tensor, got {:?} {:?}",
        t.kind(),
        size
    );
    (size[0] as usize, size[1] as usize)
}

/// Defines `$name` that runs the `#[inline(always)]` kernel `$kernel` compiled for AVX-512 or
/// AVX2 when the CPU has them (so the loops vectorise wide), otherwise for the baseline target.
/// Same results on every path: only IEEE operations without fused multiply-add are used.
macro_rules! dispatched {
    ($name:ident => $kernel:ident($($arg:ident: $ty:ty),*)) => {
        fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw")]
                unsafe fn wide($($arg: $ty),*) {
                    $kernel($($arg),*)
                }
                #[target_feature(enable = "avx2")]
                unsafe fn narrow($($arg: $ty),*) {
                    $kernel($($arg),*)
                }
                if std::is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the CPU has AVX-512 F and BW (checked at run time).
                    return unsafe { wide($($arg),*) };
                }
                if std::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2 (checked at run time).
                    return unsafe { narrow($($arg),*) };
                }
            }
            $kernel($($arg),*)
        }
    };
}

dispatched!(quantize_dispatched => quantize_slices(
    input: &[f32], output: &mut [i8], scale: &mut [f32], width: usize));
dispatched!(dequantize_dispatched => dequantize_slices(
    input: &[i32], output: &mut [f32], row_scale: &[f32], column_scale: &[f32], bias: &[f32],
    residual: Option<&[f32]>));
dispatched!(gelu_quantize_dispatched => gelu_quantize_slices(
    input: &[i32], output: &mut [i8], scale: &mut [f32], row_scale: &[f32],
    column_scale: &[f32], bias: &[f32], row: &mut [f32]));

/// Adding this to an f32 of magnitude below 2^22 rounds it to an integer (half to even, the
/// FPU's rounding) held in the low mantissa bits: rounding and conversion become plain
/// arithmetic that vectorises, where `round_ties_even` and a saturating `as` do not.
const ROUNDING_MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23

#[inline(always)]
fn round_to_i8(y: f32) -> i8 {
    let clamped = y.clamp(-127.0, 127.0);
    ((clamped + ROUNDING_MAGIC).to_bits() as i32 - ROUNDING_MAGIC.to_bits() as i32) as i8
}

/// Lanes of the running maximum: independent accumulators let the reduction vectorise.
const LANES: usize = 16;

#[inline(always)]
fn abs_max(row: &[f32]) -> f32 {
    let mut lanes = [0.0f32; LANES];
    let blocks = row.chunks_exact(LANES);
    let tail = blocks.remainder();
    for block in blocks {
        for (lane, v) in lanes.iter_mut().zip(block) {
            *lane = lane.max(v.abs());
        }
    }
    let max = lanes.iter().fold(0.0f32, |m, &v| m.max(v));
    tail.iter().fold(max, |m, v| m.max(v.abs()))
}

#[inline(always)]
fn quantize_slices(input: &[f32], output: &mut [i8], scale: &mut [f32], width: usize) {
    for ((row, out), scale) in input
        .chunks_exact(width)
        .zip(output.chunks_exact_mut(width))
        .zip(scale.iter_mut())
    {
        let s = abs_max(row).max(MIN_ROW_MAX) / 127.0;
        *scale = s;
        for (o, &v) in out.iter_mut().zip(row) {
            *o = round_to_i8(v / s);
        }
    }
}

#[inline(always)]
fn dequantize_slices(
    input: &[i32],
    output: &mut [f32],
    row_scale: &[f32],
    column_scale: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
) {
    let width = column_scale.len();
    let bias = &bias[..width];
    for (r, ((row, out), &rs)) in input
        .chunks_exact(width)
        .zip(output.chunks_exact_mut(width))
        .zip(row_scale)
        .enumerate()
    {
        let (row, out) = (&row[..width], &mut out[..width]);
        // The branch sits outside the inner loops, so each of them stays one vector loop.
        match residual {
            Some(residual) => {
                let add = &residual[r * width..][..width];
                for j in 0..width {
                    out[j] = (row[j] as f32 * rs * column_scale[j] + bias[j]) + add[j];
                }
            }
            None => {
                for j in 0..width {
                    out[j] = row[j] as f32 * rs * column_scale[j] + bias[j];
                }
            }
        }
    }
}

#[inline(always)]
fn gelu_quantize_slices(
    input: &[i32],
    output: &mut [i8],
    scale: &mut [f32],
    row_scale: &[f32],
    column_scale: &[f32],
    bias: &[f32],
    row: &mut [f32],
) {
    let width = column_scale.len();
    let (bias, row) = (&bias[..width], &mut row[..width]);
    for ((acc, out), (&rs, scale)) in input
        .chunks_exact(width)
        .zip(output.chunks_exact_mut(width))
        .zip(row_scale.iter().zip(scale.iter_mut()))
    {
        let acc = &acc[..width];
        for j in 0..width {
            row[j] = gelu(acc[j] as f32 * rs * column_scale[j] + bias[j]);
        }
        let s = abs_max(row).max(MIN_ROW_MAX) / 127.0;
        *scale = s;
        // One division per row instead of one per element (the GELU already costs one).
        let inverse = 1.0 / s;
        for (o, &v) in out.iter_mut().zip(row.iter()) {
            *o = round_to_i8(v * inverse);
        }
    }
}

/// `x · Φ(x)` with Φ from erfc by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7)
/// and a branch-free exp, so the loop vectorises. For negative `x` it uses erfc directly
/// rather than `1 + erf`, which would cancel.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    const P: f32 = 0.327_591_1;
    const A: [f32; 5] = [
        0.254_829_6,
        -0.284_496_74,
        1.421_413_7,
        -1.453_152,
        1.061_405_4,
    ];
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + P * z);
    let poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
    let erfc = poly * exp_negative(-(z * z));
    let phi_twice = if x < 0.0 { erfc } else { 2.0 - erfc };
    0.5 * x * phi_twice
}

/// `e^y` for `y <= 0` (relative error about 2e-7; 0 below -87): `2^n · p(r)` with
/// `y = n ln 2 + r`, `|r| <= ln 2 / 2`, p a degree-6 Taylor polynomial, `2^n` built in the
/// exponent bits.
#[inline(always)]
fn exp_negative(y: f32) -> f32 {
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let underflow = y < -87.0;
    let y = y.max(-87.0);
    // Rounded with the same trick as `round_to_i8`: a saturating `as i32` would not vectorise.
    let whole = (y * std::f32::consts::LOG2_E + ROUNDING_MAGIC).to_bits() as i32
        - ROUNDING_MAGIC.to_bits() as i32;
    let n = whole as f32;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let two_n = f32::from_bits(((whole + 127) as u32) << 23);
    if underflow {
        0.0
    } else {
        p * two_n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The libtorch element-wise form these kernels replace.
    fn reference(x: &Tensor, w: &Tensor, w_scale: &Tensor, bias: &Tensor) -> Tensor {
        let row_scale = x.abs().amax([1i64].as_slice(), true).clamp_min(1e-8) / 127.0;
        let q = (x / &row_scale)
            .round()
            .clamp(-127.0, 127.0)
            .to_kind(Kind::Int8);
        q.internal_int_mm(w).to_kind(Kind::Float) * row_scale * w_scale + bias
    }

    #[test]
    fn bit_identical_to_the_libtorch_chain() {
        tch::manual_seed(7);
        for (rows, width, out) in [(1, 16, 8), (37, 384, 24), (64, 96, 40), (17, 33, 8)] {
            let x = Tensor::randn([rows, width], (Kind::Float, tch::Device::Cpu)) * 3.0;
            if rows > 2 {
                // An all-zero row, and a row whose scale is exactly 1 so that its 0.5 entries
                // quantise from exact ties (half to even).
                let _ = x.get(0).zero_();
                let _ = x.get(1).fill_(0.5);
                let _ = x.get(1).get(0).fill_(127.0);
            }
            let w = Tensor::randint_low(-127, 128, [width, out], (Kind::Int8, tch::Device::Cpu));
            let w_scale = Tensor::rand([out], (Kind::Float, tch::Device::Cpu)) / 100.0;
            let bias = Tensor::randn([out], (Kind::Float, tch::Device::Cpu));
            let (q, scale) = quantize_rows(&x);
            let products = q.internal_int_mm(&w);
            let ours = dequantize(&products, &scale, &w_scale, &bias, None);
            let theirs = reference(&x, &w, &w_scale, &bias);
            assert!(ours.equal(&theirs), "differs at {rows}x{width}x{out}");
            let residual = Tensor::randn([rows, out], (Kind::Float, tch::Device::Cpu));
            let ours = dequantize(&products, &scale, &w_scale, &bias, Some(&residual));
            assert!(
                ours.equal(&(theirs + &residual)),
                "residual differs at {rows}x{width}x{out}"
            );
        }
    }

    #[test]
    fn gelu_matches_libtorch() {
        let x = Tensor::linspace(-12.0, 12.0, 200_001, (Kind::Float, tch::Device::Cpu));
        let theirs = Vec::<f32>::try_from(x.gelu("none")).expect("fp32 tensor");
        let xs = Vec::<f32>::try_from(&x).expect("fp32 tensor");
        for (&x, &want) in xs.iter().zip(&theirs) {
            let got = gelu(x);
            assert!(
                (got - want).abs() <= 1e-6 * x.abs().max(1.0),
                "gelu({x}) = {got}, libtorch {want}"
            );
        }
        assert_eq!(gelu(-200.0), 0.0);
        assert_eq!(gelu(200.0), 200.0);
    }

    #[test]
    fn fused_gelu_epilogue_matches_the_separate_passes() {
        tch::manual_seed(3);
        let (rows, width) = (9i64, 40i64);
        let acc = Tensor::randint_low(
            -20_000,
            20_000,
            [rows, width],
            (Kind::Int, tch::Device::Cpu),
        );
        let row_scale = Tensor::rand([rows, 1], (Kind::Float, tch::Device::Cpu)) / 1000.0;
        let column_scale = Tensor::rand([width], (Kind::Float, tch::Device::Cpu)) / 100.0;
        let bias = Tensor::randn([width], (Kind::Float, tch::Device::Cpu));
        let (q, scale) = dequantize_gelu_quantize(&acc, &row_scale, &column_scale, &bias);
        let activated = dequantize(&acc, &row_scale, &column_scale, &bias, None).gelu("none");
        let (q_ref, scale_ref) = quantize_rows(&activated);
        // The erf approximation may move a value across a rounding boundary, nothing more.
        let steps = (q.to_kind(Kind::Int) - q_ref.to_kind(Kind::Int))
            .abs()
            .max();
        assert!(steps.int64_value(&[]) <= 1);
        assert!(scale.allclose(&scale_ref, 1e-5, 1e-9, false));
    }

    #[test]
    fn empty_batches_pass_through() {
        let x = Tensor::zeros([0, 8], (Kind::Float, tch::Device::Cpu));
        let (q, scale) = quantize_rows(&x);
        assert_eq!(q.size(), vec![0, 8]);
        assert_eq!(scale.size(), vec![0, 1]);
    }
}
