use super::*;
use crate::okta::web_request::tests::CASES;
use crate::term::sanitize;

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn label_lookup_order() {
    let labels = pairs(&[
        ("arn:aws:iam::.*:role/Admin", "Any Admin"),
        ("(invalid", "never"),
        ("arn:aws:iam::222222222222:role/Admin", "Exact 222 Admin"),
        ("role/Admin", "Later regex"),
        ("ReadOnly$", "RO"),
    ]);
    assert_eq!(
        label_for("arn:aws:iam::222222222222:role/Admin", &labels),
        Some("Exact 222 Admin")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/Admin", &labels),
        Some("Any Admin")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/ReadOnly", &labels),
        Some("RO")
    );
    assert_eq!(
        label_for("arn:aws:iam::111111111111:role/ReadOnlyX", &labels),
        None
    );
    assert_eq!(label_for("(invalid", &labels), Some("never")); // exact key still works

    assert_eq!(
        label_debug("Role", "arn:aws:iam::1:role/ReadOnly", &labels),
        "  found Role ARN \"arn:aws:iam::1:role/ReadOnly\" having friendly label \"RO\"\n"
    );
    let idps = pairs(&[("arn:aws:iam::1:saml-provider/A", "A")]);
    assert_eq!(
        label_debug("IdP", "arn:aws:iam::2:saml-provider/B", &idps),
        "  did not find friendly label for IdP ARN\n    \"arn:aws:iam::2:saml-provider/B\"\n    \
         in okta.yaml awscli.idps map:\n      \"arn:aws:iam::1:saml-provider/A\": \"A\"\n"
    );
}

fn b03() -> SamlRoles {
    let xml = std::fs::read(format!("{CASES}B03-saml-multi-account.xml")).unwrap();
    crate::okta::saml::parse_saml_xml(&xml).unwrap()
}

#[test]
fn b03_preselected_role_brings_its_provider() {
    let r = b03();
    let sel = choose_idp(
        &r,
        None,
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:saml-provider/OtherIdP".into())
    );
    let sel = choose_role(
        &r,
        "arn:aws:iam::333333333333:saml-provider/OtherIdP",
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:role/Admin".into())
    );

    // Same via a label (reverse lookup among the offered roles).
    let role_labels = pairs(&[("arn:aws:iam::222222222222:role/ReadOnly", "Staging RO")]);
    let sel = choose_idp(&r, None, Some("Staging RO"), &[], &role_labels).unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::222222222222:saml-provider/ExampleOkta".into())
    );
}

#[test]
fn b03_menus_tell_same_named_entries_apart() {
    let r = b03();
    let idp_labels = pairs(&[("saml-provider/ExampleOkta", "Okta")]);
    let Selected::Ask(c) = choose_idp(&r, None, None, &idp_labels, &[]).unwrap() else {
        panic!("three IdPs must be asked")
    };
    let labels: Vec<&str> = c.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Okta (arn:aws:iam::111111111111:saml-provider/ExampleOkta)",
            "Okta (arn:aws:iam::222222222222:saml-provider/ExampleOkta)",
            "arn:aws:iam::333333333333:saml-provider/OtherIdP",
        ]
    );
    // A label shared by several roles asks among those only.
    let role_labels = pairs(&[("role/Admin$", "Admin")]);
    let Selected::Ask(c) = choose_idp(&r, None, Some("Admin"), &[], &role_labels).unwrap() else {
        panic!()
    };
    assert_eq!(c.len(), 3);
    let sel = choose_idp(
        &r,
        Some("arn:aws:iam::222222222222:saml-provider/ExampleOkta"),
        Some("Admin"),
        &[],
        &role_labels,
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::222222222222:saml-provider/ExampleOkta".into())
    );
    let Selected::Ask(c) = choose_role(
        &r,
        "arn:aws:iam::222222222222:saml-provider/ExampleOkta",
        None,
        &role_labels,
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["Admin", "arn:aws:iam::222222222222:role/ReadOnly"]
    );
}

#[test]
fn preselection_errors_and_auto_selection() {
    let r = b03();
    let err = choose_idp(
        &r,
        None,
        Some("arn:aws:iam::444444444444:role/Admin"),
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .starts_with("--aws-iam-role \"arn:aws:iam::444444444444:role/Admin\" matches none"),
        "{err}"
    );
    let err = choose_idp(&r, Some("Nope"), None, &[], &[]).unwrap_err();
    assert!(
        err.to_string().starts_with("--aws-iam-idp \"Nope\""),
        "{err}"
    );
    let err = choose_idp(
        &r,
        Some("arn:aws:iam::111111111111:saml-provider/ExampleOkta"),
        Some("arn:aws:iam::333333333333:role/Admin"),
        &[],
        &[],
    )
    .unwrap_err();
    assert!(err.to_string().contains("is not paired with role"), "{err}");
    let sel = choose_idp(
        &r,
        Some("Other"),
        None,
        &pairs(&[("OtherIdP", "Other")]),
        &[],
    )
    .unwrap();
    assert_eq!(
        sel,
        Selected::Chosen("arn:aws:iam::333333333333:saml-provider/OtherIdP".into())
    );

    // One IdP with one role: chosen without asking; an unknown role flag is refused.
    let xml = std::fs::read(format!("{CASES}B06-saml-provider-only.xml")).unwrap();
    let one = crate::okta::saml::parse_saml_xml(&xml).unwrap();
    let idp = match choose_idp(&one, Some("whatever"), None, &[], &[]).unwrap() {
        Selected::Chosen(i) => i,
        s => panic!("{s:?}"),
    };
    assert_eq!(
        choose_role(&one, &idp, None, &[]).unwrap(),
        Selected::Chosen("arn:aws:iam::210987654321:role/Support".into())
    );
    assert!(choose_role(&one, &idp, Some("arn:aws:iam::1:role/Other"), &[]).is_err());
    assert!(choose_role(&one, "arn:aws:iam::9:saml-provider/X", None, &[]).is_err());
}

#[test]
fn fed_app_choice_and_no_tty_error() {
    let apps = vec![
        FedApp {
            id: "0oa1".into(),
            label: "AWS".into(),
        },
        FedApp {
            id: "0oa2".into(),
            label: "AWS".into(),
        },
        FedApp {
            id: "0oa3".into(),
            label: "AWS Dev".into(),
        },
    ];
    assert_eq!(
        choose_fed_app(&apps[2..], None).unwrap(),
        Selected::Chosen("0oa3".into())
    );
    assert_eq!(
        choose_fed_app(&apps, Some("AWS Dev")).unwrap(),
        Selected::Chosen("0oa3".into())
    );
    let Selected::Ask(c) = choose_fed_app(&apps, Some("AWS")).unwrap() else {
        panic!()
    };
    assert_eq!(
        c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["AWS (0oa1)", "AWS (0oa2)", "AWS Dev"]
    );
    let err = no_tty_error(ChoiceKind::FedApp, &c);
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "several AWS Federation apps are available and there is no terminal to choose from; \
         preselect one with --aws-acct-fed-app-id:\n  0oa1  (AWS (0oa1))\n  0oa2  (AWS (0oa2))\n  0oa3  (AWS Dev)"
    );
    let err = no_tty_error(
        ChoiceKind::Role,
        &choices(&["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B"], &[]),
    );
    assert!(
        err.to_string()
            .contains("--aws-iam-role:\n  arn:aws:iam::1:role/A\n  arn:aws:iam::1:role/B")
    );
}

#[test]
fn labels_and_arns_are_escaped_wherever_printed() {
    let labels = vec![(
        "arn:aws:iam::1:role/r".to_string(),
        "Prod\u{1b}[2J".to_string(),
    )];
    let found = label_debug("Role", "arn:aws:iam::1:role/r", &labels);
    assert!(
        found.contains("Prod\\x1b[2J") && !found.contains('\u{1b}'),
        "{found:?}"
    );
    let missed = label_debug("Role", "arn:aws:iam::1:role/x\ny", &labels);
    assert!(
        !missed.contains('\u{1b}') && missed.contains("role/x\\ny"),
        "{missed:?}"
    );
    let choices = vec![
        Choice {
            value: "0oa1".into(),
            label: "App\rOne".into(),
        },
        Choice {
            value: "0oa2\u{9b}".into(),
            label: "0oa2\u{9b}".into(),
        },
    ];
    let m = no_tty_error(ChoiceKind::FedApp, &choices).to_string();
    assert!(!sanitize::has_unsafe(&m.replace('\n', "")), "{m:?}");
    assert_eq!(m.lines().count(), 3, "{m}");
    let e = not_offered(ChoiceKind::Role, "want\u{1b}", &["arn:a\nb"]).to_string();
    assert!(!sanitize::has_unsafe(&e), "{e:?}");
}

#[test]
fn invalid_label_regexes_are_named_and_never_match_by_regex() {
    assert_eq!(label_key_problem("arn:aws:iam::1:role/admin"), None);
    assert_eq!(label_key_problem("arn:.*:role/admin"), None);
    for bad in ["([", "arn:.*:role/(admin", "a{2,1}", "*"] {
        let p = label_key_problem(bad).unwrap_or_else(|| panic!("{bad} compiles?"));
        assert!(!p.is_empty() && !p.contains('\n'), "{bad}: {p}");
    }
    // Same engine as label_for: an invalid key matches only the identical ARN.
    let labels = vec![("([".to_string(), "L".to_string())];
    assert_eq!(label_for("([", &labels), Some("L"));
    assert_eq!(label_for("arn:x([", &labels), None);
}

#[test]
fn no_tty_error_lists_at_most_twenty_choices() {
    let arns: Vec<String> = (0..3000)
        .map(|i| format!("arn:aws:iam::123456789012:role/role-{i:04}"))
        .collect();
    let values: Vec<&str> = arns.iter().map(String::as_str).collect();
    let msg = no_tty_error(ChoiceKind::Role, &choices(&values, &[])).to_string();
    assert!(msg.len() < 2000, "{} bytes", msg.len());
    assert!(msg.contains("\n  arn:aws:iam::123456789012:role/role-0000\n"));
    assert!(msg.contains("\n  arn:aws:iam::123456789012:role/role-0019\n"));
    assert!(!msg.contains("role-0020"), "{msg}");
    assert!(msg.ends_with("\n  ... and 2980 more"), "{msg}");
    // Exactly the cap: no summary line.
    let msg = no_tty_error(ChoiceKind::Role, &choices(&values[..20], &[])).to_string();
    assert!(msg.ends_with("role-0019") && !msg.contains("more"), "{msg}");
}
