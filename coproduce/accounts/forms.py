from django import forms
from django.contrib.auth.forms import AuthenticationForm


class StaffSignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "The username or password is not right. Check them and try again; after 5 wrong "
            "tries you will have to wait 30 minutes."
        ),
        "inactive": "This account is switched off. Ask your administrator to switch it on.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "Username"
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.com.",
        },
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        help_text="The 6-digit code it shows now.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )


class AssistForm(forms.Form):
    participant: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        label="Who are you acting for?",
        empty_label="Choose a person",
        error_messages={"required": "Choose the person you are acting for."},
    )

    def __init__(self, *args: object, participants: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["participant"]
        field.queryset = participants  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
