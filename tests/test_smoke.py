def test_root_redirects_to_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fr/")


def test_register_confirm_login(client, mailbox, app):
    response = client.submit(
        "/nl/account/register",
        {
            "email": "Lotte@Example.be",
            "display_name": "Lotte",
            "password": "fietsen-langs-de-kanaal",
            "confirm": "fietsen-langs-de-kanaal",
            "language": "nl",
            "municipality": "",
            "accept_rules": "y",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    link = mailbox.link("lotte@example.be")
    assert link.startswith("/nl/account/confirm/")
    response = client.get(link)
    assert response.status_code == 302
    response = client.submit(
        "/nl/account/login", {"email": "lotte@example.be", "password": "fietsen-langs-de-kanaal"}
    )
    assert response.status_code == 302
