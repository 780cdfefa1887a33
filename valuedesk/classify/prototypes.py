"""Descriptive prototype sentences per value for the zero-shot baseline.

Written for short videos (first-person, spoken or on-screen style) so that a script line is
compared with something that reads like a script line; the value's definition from values.py
is always added as one more prototype.
"""

from __future__ import annotations

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "self_direction_thought": (
        "Think for yourself and question what everyone tells you.",
        "I love learning new things and coming up with my own creative ideas.",
        "Be curious, be creative, make your own art.",
    ),
    "self_direction_action": (
        "I make my own choices and nobody tells me how to live my life.",
        "I quit my job to be my own boss and do things my way.",
        "Be independent and decide for yourself.",
    ),
    "stimulation": (
        "Let's try something crazy and new today, what an adventure!",
        "I love the thrill of jumping off a cliff, life is an exciting challenge.",
        "Travel, take risks and never have a boring day.",
    ),
    "hedonism": (
        "Treat yourself, enjoy the delicious food and have fun.",
        "Nothing beats relaxing on the beach with a cold drink, pure pleasure.",
        "Life is for partying and enjoying every moment.",
    ),
    "achievement": (
        "I worked hard and finally reached my goal, I am so proud of this success.",
        "Winning the competition shows how capable and ambitious I am.",
        "Grind every day to be the best and get results.",
    ),
    "power_dominance": (
        "I am the boss here and everyone has to do what I say.",
        "Take control, be in charge and make people follow you.",
        "Having influence and authority over others.",
    ),
    "power_resources": (
        "Look at my new luxury car and all this money.",
        "Get rich, buy expensive things and build wealth.",
        "Saving up cash to own property and valuable possessions.",
    ),
    "face": (
        "I care what people think of me and my reputation.",
        "Get more followers and likes so everyone sees how great I look.",
        "Never let anyone embarrass you in public, protect your image.",
    ),
    "security_personal": (
        "Stay safe, take care of your health and avoid danger.",
        "A stable home and a secure income give me peace of mind.",
        "Wear your seatbelt and protect yourself from harm.",
    ),
    "security_societal": (
        "Our country must be protected from crime and terrorism.",
        "The police and the army keep society safe and stable.",
        "Law and order keep our nation secure.",
    ),
    "tradition": (
        "We celebrate our family traditions and customs every year.",
        "Keeping our religion and cultural heritage alive.",
        "Prayer and faith in God, honouring the ways of our ancestors.",
    ),
    "conformity_rules": (
        "Follow the rules and obey the law.",
        "Be disciplined and do your duty, even when nobody is watching.",
        "Rules exist for a reason, you have to comply with them.",
    ),
    "conformity_interpersonal": (
        "Be polite and never hurt other people's feelings.",
        "I did not want to upset anyone, so I kept quiet.",
        "Respect your elders and avoid offending others.",
    ),
    "humility": (
        "Stay humble, I am just one small part of something bigger.",
        "Don't brag or show off, be modest about what you have.",
        "Accept life as it is and be grateful for the little things.",
    ),
    "benevolence_dependability": (
        "You can always count on me, I keep my promises.",
        "A loyal friend who is reliable and takes responsibility for the team.",
        "Be trustworthy and be there for your people.",
    ),
    "benevolence_caring": (
        "I take care of my grandma and help my family every day.",
        "Be kind, help your friends and show love to the people close to you.",
        "Looking after my little brother because family comes first.",
    ),
    "universalism_concern": (
        "Everyone deserves equal rights and fair treatment.",
        "Stand up for justice and protect the poor and the weak.",
        "Peace and equality for all people in the world.",
    ),
    "universalism_nature": (
        "Protect the planet, recycle and fight climate change.",
        "Save the animals and preserve nature for future generations.",
        "Enjoy the beauty of nature and keep the environment clean.",
    ),
    "universalism_tolerance": (
        "Accept people who are different from you.",
        "Be open-minded and listen to other cultures and opinions.",
        "Diversity makes us stronger, respect everyone's way of life.",
    ),
}
