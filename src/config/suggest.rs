//! PURE: the edit distance behind every "did you mean" hint: unknown okta.yaml keys
//! (`files::closest_key`) and unknown flags and commands on the command line (`cli`).

/// The number of edits that turn `a` into `b`, where an edit inserts, deletes or replaces
/// one character or swaps two neighbouring ones (optimal string alignment distance). So
/// `wbe` is one edit from `web`, and `org_domain` one from `org-domain`. Counts characters,
/// not bytes.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_and_swaps_count_one_each() {
        assert_eq!(edit_distance("web", "web"), 0);
        assert_eq!(edit_distance("wbe", "web"), 1);
        assert_eq!(edit_distance("org_domain", "org-domain"), 1);
        assert_eq!(edit_distance("", "m2m"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            edit_distance("write-credentials", "write-aws-credentials"),
            4
        );
        assert_eq!(edit_distance("profilé", "profile"), 1);
    }
}
