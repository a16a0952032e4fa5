//! A tiny random source for the demo's chat (splitmix64; not for anything secret).

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    /// How many events of a Poisson process with `rate` per second happen in `dt` seconds.
    pub fn arrivals(&mut self, rate: f64, dt: f64) -> u32 {
        let mean = (rate * dt).max(0.0);
        let mut n = 0;
        let mut p = (-mean).exp();
        let mut cum = p;
        let u = self.f64();
        while u > cum && n < 1000 {
            n += 1;
            p *= mean / f64::from(n);
            cum += p;
        }
        n
    }
}
