"""The default training modules, written for Twoway. Program admins can edit or unpublish them; removing this
migration's rows is left to them (reversing it deletes only modules nobody has completed)."""

from django.db import migrations

MODULES = [
    {
        "slug": "how-two-way-mentoring-works",
        "title": "How two-way mentoring works",
        "summary": "Every pair teaches each other: what that means for your sessions.",
        "body": """In Twoway nobody is only a mentor. You were paired because **each of you knows something the
other wants to learn**.

## The shape of a session

- Every session has **two equal halves**. In one half you mentor, in the other you are the mentee.
- Who goes first alternates from one session to the next.
- After each session both of you fill in a short check-in. Your teaching balance shows whether the time is shared
  fairly.

## Before the first session

1. Read why you were matched on your pair's page.
2. Write and sign your agreement together: how often you meet, what each of you wants to get out of it, how you
   reach each other, and what stays between you.
3. Set one to five goals each.

## When it does not work

Talk to your partner first. If that does not help, the program team can end a pair and find you another partner.
""",
        "quiz": [],
    },
    {
        "slug": "leading-your-half-as-the-mentor",
        "title": "Leading your half as the mentor",
        "summary": "Prepare a little, ask more than you tell, leave with a next step.",
        "body": """Your half belongs to your partner's learning, not to your expertise.

## Prepare for five minutes

- Look at your partner's goals and what they asked to learn.
- Bring one example from your own work: a document, a query, a conversation that went well or badly.

## During the half

- **Ask before you explain.** "What have you tried?" tells you where to start.
- Let them do it: share the screen, hand over the keyboard, role-play the conversation.
- Watch the time. Stop when the half ends, even in the middle of something; pick it up next time.

## End with a next step

Agree on one small thing your partner will try before you meet again, and write it into a goal's notes.
""",
        "quiz": [],
    },
    {
        "slug": "being-a-good-mentee",
        "title": "Being a good mentee: bring your questions",
        "summary": "You steer your half: come with a question, leave with a plan.",
        "body": """In your mentee half you set the direction. Your partner cannot guess what you need.

## Come with a question

Write down, before the session, one concrete question: *"How do you decide which numbers go on the first slide?"*
works better than *"Tell me about presentations."*

## Be honest about your level

Saying "I have never done this" saves both of you time. Nobody is graded.

## Try it between sessions

Learning happens between meetings. Try the next step you agreed on, note what was hard, and bring that back.

## Give feedback

Tell your partner what helped. Your check-in after the session is also a good place for it.
""",
        "quiz": [],
    },
    {
        "slug": "confidentiality",
        "title": "Confidentiality",
        "summary": "What is said in a session stays between the two of you, with the exceptions you should know.",
        "body": """Two-way mentoring works because people speak openly, including senior people learning from junior
colleagues.

## What stays between you

- What your partner tells you about their work, their team, their doubts and their mistakes.
- Your private session notes: only you read them.

## What the program team sees

Only totals and the fact that things happen: that your agreement is signed, how many sessions you held, your teaching
balance. Never your notes, your goals' notes or what you discussed.

## The exceptions

If you learn of a risk to someone's safety, or a serious breach of the law or of company rules, confidentiality does
not stop you from getting help: talk to the program team or to HR.
""",
        "quiz": [
            {
                "question": "Your partner tells you about a conflict in their team. Who may you tell?",
                "options": [
                    "Nobody: it stays between the two of us",
                    "My own manager, so they know",
                    "The program team, in my check-in",
                ],
                "answer": 0,
            },
            {
                "question": "What does the program team see about your pair?",
                "options": [
                    "Our private session notes",
                    "Totals such as sessions held and whether the agreement is signed",
                    "What we discussed in each session",
                ],
                "answer": 1,
            },
        ],
    },
]


def add_modules(apps, schema_editor):
    TrainingModule = apps.get_model("community", "TrainingModule")
    for position, module in enumerate(MODULES):
        TrainingModule.objects.get_or_create(slug=module["slug"], defaults={**module, "position": position})


def remove_modules(apps, schema_editor):
    TrainingModule = apps.get_model("community", "TrainingModule")
    TrainingModule.objects.filter(slug__in=[m["slug"] for m in MODULES], completions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0003_training_resources")]

    operations = [migrations.RunPython(add_modules, remove_modules)]
