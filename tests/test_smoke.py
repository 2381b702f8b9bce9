from xtrust import can_assume


def test_seed_user_can_assume_admin() -> None:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::987654321098:root"}}]}
    group = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": ["arn:aws:iam::123456789012:role/Admin"]}]}
    user = "arn:aws:iam::987654321098:user/michael.ludvig"
    role = "arn:aws:iam::123456789012:role/Admin"
    assert can_assume(user, role, trust_policy=trust, identity_policies=[group])
    assert not can_assume(user, role, trust_policy=trust)
