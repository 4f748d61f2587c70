"""The default skill catalogue: about 80 workplace skills in 10 categories.

Program admins rename, merge and retire these in the browser; this migration only
adds what is missing, so it never overwrites their edits.
"""

from django.db import migrations

CATALOGUE = {
    "Technical": [
        ("Python", "Writing and reading Python code"),
        ("JavaScript", "Front-end and Node.js programming"),
        ("SQL", "Querying and shaping relational data"),
        ("Git and version control", "Branches, reviews, history"),
        ("Cloud platforms", "AWS, Azure or Google Cloud basics"),
        ("APIs and integrations", "Connecting systems through web APIs"),
        ("Cybersecurity basics", "Phishing, passwords, safe habits"),
        ("Software testing", "Automated and exploratory testing"),
        ("DevOps and CI/CD", "Build pipelines and deployment"),
    ],
    "Data and analytics": [
        ("Data analysis", "Turning raw data into answers"),
        ("Data visualisation", "Charts that make a point"),
        ("Excel modelling", "Formulas, pivots, financial models"),
        ("Power BI", "Dashboards and data models in Power BI"),
        ("Tableau", "Dashboards in Tableau"),
        ("Statistics", "Sampling, significance, regression"),
        ("Machine learning", "Predictive models and their limits"),
        ("Data governance", "Quality, lineage and privacy of data"),
    ],
    "Digital tools": [
        ("Generative AI tools", "Prompting and using AI assistants well"),
        ("Microsoft Teams", "Channels, meetings, collaboration"),
        ("Slack", "Working in channels and threads"),
        ("Notion", "Docs and wikis in Notion"),
        ("Low-code automation", "Power Automate, Zapier and friends"),
        ("Social media", "Company and personal presence online"),
        ("Video editing", "Short videos for work"),
        ("Collaborative whiteboards", "Miro, Mural and remote workshops"),
    ],
    "Leadership": [
        ("Coaching", "Helping others find their own answers"),
        ("Delegation", "Handing over work and ownership"),
        ("Giving feedback", "Clear, kind, actionable feedback"),
        ("Leading teams", "Running a team day to day"),
        ("Change management", "Taking people through change"),
        ("Strategic thinking", "Seeing the longer game"),
        ("Decision making", "Deciding well under uncertainty"),
        ("Hiring and interviewing", "Finding and selecting people"),
        ("Managing remote teams", "Leading people you rarely see"),
    ],
    "Communication": [
        ("Public speaking", "Talking to a room with confidence"),
        ("Presentation design", "Slides that support the story"),
        ("Business writing", "Clear e-mails, memos and reports"),
        ("Storytelling", "Making a message memorable"),
        ("Active listening", "Hearing what is really said"),
        ("Facilitation", "Running meetings and workshops"),
        ("Difficult conversations", "Handling conflict and bad news"),
        ("Executive communication", "Briefing senior leaders"),
    ],
    "Business and finance": [
        ("Financial literacy", "Reading P&L, balance sheet and cash flow"),
        ("Budgeting", "Planning and tracking budgets"),
        ("Business strategy", "Markets, positioning, competition"),
        ("Negotiation", "Reaching better agreements"),
        ("Sales", "Finding and closing business"),
        ("Marketing", "Reaching and convincing customers"),
        ("Product management", "Deciding what to build and why"),
        ("Procurement", "Buying well from suppliers"),
    ],
    "Project and operations": [
        ("Project management", "Planning and delivering projects"),
        ("Agile and Scrum", "Iterative delivery in practice"),
        ("Process improvement", "Lean, Six Sigma, simpler workflows"),
        ("Risk management", "Spotting and handling risk"),
        ("Stakeholder management", "Keeping the right people on board"),
        ("Prioritisation", "Choosing what not to do"),
        ("Supply chain", "From supplier to customer"),
        ("Customer experience", "Designing how customers are served"),
    ],
    "People and culture": [
        ("Diversity, equity and inclusion", "Inclusive teams and practices"),
        ("Wellbeing and resilience", "Sustainable ways of working"),
        ("Mentoring", "Supporting someone's growth"),
        ("Building networks", "Making and keeping connections"),
        ("Cross-cultural collaboration", "Working across cultures"),
        ("Generational perspectives", "How different generations work"),
        ("Employee engagement", "What makes people care"),
    ],
    "Personal effectiveness": [
        ("Time management", "Planning your week and your focus"),
        ("Critical thinking", "Questioning claims and evidence"),
        ("Problem solving", "Breaking down messy problems"),
        ("Creativity and innovation", "Generating and testing ideas"),
        ("Emotional intelligence", "Understanding yourself and others"),
        ("Career planning", "Shaping your next steps"),
        ("Personal branding", "How others see your work"),
    ],
    "Languages": [
        ("English", "Business English"),
        ("Spanish", "Business Spanish"),
        ("German", "Business German"),
        ("French", "Business French"),
        ("Mandarin Chinese", "Business Mandarin"),
        ("Portuguese", "Business Portuguese"),
    ],
}


def add_catalogue(apps, schema_editor):
    SkillCategory = apps.get_model("accounts", "SkillCategory")
    Skill = apps.get_model("accounts", "Skill")
    for position, (category_name, skills) in enumerate(CATALOGUE.items()):
        category, _ = SkillCategory.objects.get_or_create(name=category_name, defaults={"position": position})
        for name, description in skills:
            if not Skill.objects.filter(name__iexact=name).exists():
                Skill.objects.create(name=name, category=category, description=description)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
